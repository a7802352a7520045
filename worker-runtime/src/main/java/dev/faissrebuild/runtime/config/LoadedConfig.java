package dev.faissrebuild.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A configuration as loaded: the values, the file they were read from (none: built-in defaults only),
 * and every field with its effective value and where that value came from.
 */
public record LoadedConfig(FaissRebuildConfig config, Optional<Path> file, List<Field> fields) {

    /** One leaf of the configuration, by its dotted path (e.g. {@code monitoring.metrics_port}). */
    public record Field(String path, JsonNode value, ConfigSource source) {}

    public LoadedConfig {
        fields = List.copyOf(fields);
    }

    public Optional<Field> field(String path) {
        return fields.stream().filter(f -> f.path().equals(path)).findFirst();
    }
}
