package dev.faissrebuild.cli;

import picocli.CommandLine.Command;

/** {@code maintenance <subcommand>}: upkeep of indices/. A new subcommand is one more entry in the list below. */
@Command(name = "maintenance", mixinStandardHelpOptions = true, description = "Upkeep of indices/ (cleanup, disk-usage).",
        subcommands = {
            MaintenanceCleanupCommand.class,
            MaintenanceDiskUsageCommand.class,
            MaintenanceValidateCommand.class,
        })
final class MaintenanceCommand {}
