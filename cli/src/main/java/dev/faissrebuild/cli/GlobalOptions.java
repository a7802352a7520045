package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every command takes, so any command can be pointed at any installation:
 * {@code --config} (default {@code /etc/faiss-rebuild/config.json} when present, else built-in defaults)
 * and {@code --data-dir} (overrides {@code paths.data_dir}).
 */
final class GlobalOptions {
    @Option(names = "--config", description = "Configuration file (JSON). Default: /etc/faiss-rebuild/config.json if it exists, else built-in defaults.")
    Path config;

    @Option(names = "--data-dir", description = "Data directory holding embeddings/, indices/ and state/ (default: the config's paths.data_dir, '.').")
    Path dataDir;

    private FaissRebuildConfig loaded;

    FaissRebuildConfig config() {
        if (loaded == null) loaded = ConfigLoader.load(config, dataDir);
        return loaded;
    }
}
