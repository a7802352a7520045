package dev.faissrebuild.cli.config;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.ConfigSource;
import dev.faissrebuild.runtime.config.LoadedConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks a configuration file as every service would when it starts: exit 0 and \"valid\", or exit 1",
                "with every problem at once (file, field, value, what was expected). The file alone is judged:",
                "the environment (FAISS_REBUILD_LOG_LEVEL) is not read, so a CI check gives the same answer everywhere."})
final class ConfigValidateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--file", required = true, description = "The configuration file (JSON) to check.")
    Path file;

    @Override
    public Integer call() {
        LoadedConfig loaded = ConfigLoader.read(file, null, Map.of());
        List<LoadedConfig.Field> set = loaded.fields().stream().filter(f -> !(f.source() instanceof ConfigSource.Default)).toList();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("config %s is valid: %d field(s) set, the other %d at their defaults%n", file, set.size(), loaded.fields().size() - set.size());
        set.stream().filter(f -> f.source() instanceof ConfigSource.Derived)
                .forEach(f -> out.printf("  %s = %s: %s%n", f.path(), f.value(), f.source().describe()));
        out.flush();
        return 0;
    }
}
