package dev.faissrebuild.deployer;

import dev.faissrebuild.deployer.backup.BackupRetention;
import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.deployer.backup.PreDeployBackup;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.WorkerMain;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import java.time.Duration;
import java.util.List;

/**
 * The deployer: the only writer of what is live. Its transactional id is fixed, so a second instance
 * fences the first (a zombie cannot publish), and the indices lock keeps it and the CLI from
 * interleaving. It reads the built topic only for BuildFailed (an index that will never be validated).
 */
public final class DeployerService {
    public static final String TRANSACTIONAL_ID = "faiss-rebuild-deployer";

    private DeployerService() {}

    public static void start(WorkerRuntime rt) throws Exception {
        FaissRebuildConfig c = rt.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        Duration lockWait = Duration.ofMinutes(10);
        BackupStore backups = new BackupStore(layout, BackupRetention.of(c.backup()));
        // under the lock: a CLI restore or backup running now owns its hidden work files
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "deployer: start-up cleanup of incomplete files", lockWait)) {
            new GenerationStore(layout).removeIncomplete();
            backups.removeIncomplete(lock);
        }
        Deployment deployment = new Deployment(layout, c.paths().embeddings(), c.rebuild().keys(),
                c.deploy().verifyQueries(), lockWait, c.deploy().backupBeforeDeploy() ? new PreDeployBackup(backups) : null);
        rt.run(WorkerSpec.of("deployer", List.of(Topics.INDEX_VALIDATED, Topics.INDEX_BUILT), new DeployStep(layout, deployment))
                .transactional(TRANSACTIONAL_ID));
    }

    public static void main(String[] args) throws Exception {
        WorkerMain.run("deployer", args, DeployerService::start);
    }
}
