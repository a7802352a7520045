package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.LiveExpectation;
import dev.faissrebuild.deployer.backup.BackupId;
import dev.faissrebuild.deployer.backup.BackupRestore;
import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Makes a backup live again, as a new generation.",
                "Every checksum and every index is verified before anything changes, then indices/current is switched",
                "atomically. The replaced generation is kept (faiss-rebuild rollback undoes the restore).",
                "Asks for confirmation unless --force."})
final class BackupRestoreCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin LockWaitOption lockWait;

    @Option(names = "--backup-id", required = true, paramLabel = "ID", description = "The backup to restore (see: faiss-rebuild backup list).")
    String backupId;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        IndicesLayout layout = BackupCommand.layout(c);
        BackupStore store = BackupCommand.store(c);
        BackupId id = BackupId.parse(backupId);
        BackupStore.Backup backup = store.find(id);
        Optional<String> live = layout.liveGenerationId();
        PrintWriter out = spec.commandLine().getOut();
        Confirmation.ask(force, String.format("Restore backup %s (generation %s, %d index files, %s MB, taken %s) over live generation %s?", id,
                backup.manifest().sourceGenerationId(), backup.manifest().files().size() - 1,
                BackupCommand.mb(backup.manifest().totalSizeBytes()), backup.manifest().timestamp(), live.orElse("none")), out);
        BackupRestore.Restored r;
        try (IndicesLock lock = lockWait.acquire(layout, "restore backup " + id)) {
            r = new BackupRestore(store).restore(lock, id, force ? LiveExpectation.any() : LiveExpectation.exactly(live), Instant.now());
        }
        out.printf("restored backup %s as generation %s (replacing %s): %d index files, %s MB, verified and switched in %.2f s%n",
                id, r.generationId(), r.previousLive().orElse("nothing"), r.files(), BackupCommand.mb(r.bytes()), r.seconds());
        LiveSetEvents.publish(c, r.event(), out);
        return 0;
    }
}
