package dev.faissrebuild.deployer;

import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.deployer.backup.PreDeployBackup;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.WorkerMain;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.LiveSetHealth;
import dev.faissrebuild.runtime.lease.ActiveWork;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import dev.faissrebuild.store.ConfiguredStore;
import dev.faissrebuild.store.StagedArtifacts;
import dev.faissrebuild.store.StoredEmbeddings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployer: the only writer of what is live. Any number of instances run; the one holding the
 * deployer's lease ({@link Topics#DEPLOYER_LEASE}) deploys, the others are hot standbys, and one takes
 * over when the active dies or steps down. The active's loop has a fixed transactional id and
 * {@code group.instance.id}, so a new active fences a zombie (its producer cannot commit, its consumer
 * is replaced), and the indices lock keeps it and the CLI from interleaving. It reads the built topic
 * only for BuildFailed (an index that will never be validated).
 */
public final class DeployerService {
    private static final Logger LOG = LoggerFactory.getLogger(DeployerService.class);
    public static final String TRANSACTIONAL_ID = "faiss-rebuild-deployer";

    private DeployerService() {}

    public static void start(WorkerRuntime rt) throws Exception {
        FaissRebuildConfig c = rt.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        Duration lockWait = Duration.ofMinutes(10);
        BackupStore backups = BackupStore.configured(c);
        Deployment deployment = new Deployment(layout, c.paths().embeddings(), c.rebuild().keys(),
                c.deploy().verifyQueries(), lockWait, c.deploy().backupBeforeDeploy() ? new PreDeployBackup(backups) : null, DeployPolicy.of(c));
        var store = ConfiguredStore.open(c).map(rt::onClose);
        GenerationPublisher publisher = new GenerationPublisher(layout, store);
        deployment.withArtifacts(new StagedArtifacts(store, layout), publisher).withStoredEmbeddings(StoredEmbeddings.configured(c).map(rt::onClose));
        rt.health().check("live_set", new LiveSetHealth(layout, c.rebuild().keys())::check);
        WorkerSpec spec = WorkerSpec.of("deployer", List.of(Topics.INDEX_VALIDATED, Topics.INDEX_BUILT, Topics.CANCELLATIONS), new DeployStep(layout, deployment))
                .transactional(TRANSACTIONAL_ID).withGroupInstanceId(TRANSACTIONAL_ID);
        rt.lease("deployer", Topics.DEPLOYER_LEASE, term -> {
            removeIncomplete(layout, backups); // a predecessor that died mid-deploy may have left them
            var loop = rt.startLoop(spec);
            if (store.isEmpty()) return ActiveWork.Term.of(loop);
            // only the active deployer mirrors its live set into the store: at once (catching up after a store outage), then periodically
            var mirror = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("publisher").factory());
            mirror.scheduleWithFixedDelay(publisher::mirrorIfIdle, 0, GenerationPublisher.PERIOD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return new ActiveWork.Term(() -> {
                mirror.shutdownNow();
                loop.close();
            }, loop::health, loop.stopped());
        });
    }

    /**
     * Leftovers of a crash, removed only under the lock (a CLI restore or backup running now owns its
     * hidden work files) and only if the lock is free at once: start-up does not wait on an operator;
     * the next start or {@code maintenance cleanup} removes them otherwise.
     */
    public static void removeIncomplete(IndicesLayout layout, BackupStore backups) throws IOException {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "deployer: start-up removal of incomplete files", Duration.ZERO)) {
            new GenerationStore(layout).removeIncomplete();
            backups.removeIncomplete(lock);
        } catch (IndicesLock.BusyException e) {
            LOG.info("event=startup_cleanup_skipped reason=\"{}\"", e.getMessage());
        }
    }

    public static void main(String[] args) throws Exception {
        WorkerMain.run("deployer", args, DeployerService::start);
    }
}
