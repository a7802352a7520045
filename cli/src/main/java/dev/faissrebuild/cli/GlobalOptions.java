package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.config.LoadedConfig;
import dev.faissrebuild.runtime.logging.LogLevels;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every command takes, so any command can be pointed at any installation:
 * {@code --config} (default {@code /etc/faiss-rebuild/config.json} when present, else built-in defaults)
 * and {@code --data-dir} (overrides {@code paths.data_dir}). Loading the configuration also sets the
 * level of the dev.faissrebuild loggers ({@code scheduler.log_level}, or FAISS_REBUILD_LOG_LEVEL).
 */
public final class GlobalOptions {
    @Option(names = "--config", description = "Configuration file (JSON). Default: /etc/faiss-rebuild/config.json if it exists, else built-in defaults.")
    Path config;

    @Option(names = "--data-dir", description = "Data directory holding embeddings/, indices/ and state/ (default: the config's paths.data_dir, '.').")
    Path dataDir;

    private LoadedConfig loaded;

    public FaissRebuildConfig config() {
        return loaded().config();
    }

    /** Reads the same file again (SIGHUP), with the same data dir and environment. */
    public java.util.function.Supplier<FaissRebuildConfig> reader() {
        return () -> ConfigLoader.read(config, dataDir, System.getenv()).config();
    }

    /** The configuration with the source of every value ({@code config show}). */
    public LoadedConfig loaded() {
        if (loaded == null) {
            loaded = ConfigLoader.read(config, dataDir, System.getenv());
            LogLevels.apply(loaded.config());
        }
        return loaded;
    }
}
