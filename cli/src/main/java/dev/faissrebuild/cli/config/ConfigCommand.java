package dev.faissrebuild.cli.config;

import picocli.CommandLine.Command;

/** {@code config show | validate}: the original system's configuration commands. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "The configuration: the effective values and where each came from (show), or a file checked (validate).",
        subcommands = {ConfigShowCommand.class, ConfigValidateCommand.class})
public final class ConfigCommand {}
