package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import picocli.CommandLine.Command;

/** {@code backup create | list | restore}: the same backups the deployer takes before each deploy. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Backups of generations in indices/backups/ (create, list, restore).",
        subcommands = {BackupCreateCommand.class, BackupListCommand.class, BackupRestoreCommand.class})
final class BackupCommand {
    static BackupStore store(FaissRebuildConfig c) {
        return BackupStore.configured(c);
    }

    static IndicesLayout layout(FaissRebuildConfig c) {
        return new IndicesLayout(c.paths().indices());
    }

    static String mb(long bytes) {
        return String.format("%.2f", bytes / 1e6);
    }
}
