package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.OperationRefused;
import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Backs up the live generation (or --generation).",
                "Writes indices/backups/<backup-id>.tar.gz, then applies the retention of the config's backup section."})
final class BackupCreateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin LockWaitOption lockWait;

    @Option(names = "--generation", paramLabel = "GENERATION", description = "Back up this generation instead of the live one.")
    String generation;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        IndicesLayout layout = BackupCommand.layout(c);
        BackupStore store = BackupCommand.store(c);
        BackupStore.Created created;
        try (IndicesLock lock = lockWait.acquire(layout, "backup create")) {
            String id = generation != null ? generation : layout.liveGenerationId().orElseThrow(() -> new OperationRefused(
                    "there is no live generation to back up (no " + layout.current() + "); name one with --generation"));
            created = store.create(lock, id, Instant.now());
        }
        PrintWriter out = spec.commandLine().getOut();
        BackupStore.Backup b = created.backup();
        out.printf("backup %s created: generation %s, %d files, %s MB (archive %s MB%s) in %.2f s%n  %s%n", b.id(),
                b.manifest().sourceGenerationId(), b.manifest().files().size(), BackupCommand.mb(b.manifest().totalSizeBytes()),
                BackupCommand.mb(b.archiveBytes()), b.encrypted() ? ", encrypted" : "", created.seconds(), b.archive());
        for (BackupStore.Backup d : created.deleted()) {
            out.printf("deleted by retention: %s (generation %s, taken %s)%n", d.id(), d.manifest().sourceGenerationId(), d.manifest().timestamp());
        }
        out.flush();
        return 0;
    }
}
