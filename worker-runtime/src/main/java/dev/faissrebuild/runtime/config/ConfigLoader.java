package dev.faissrebuild.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the configuration: the defaults, a user's JSON file merged over them field by field, the
 * command line's {@code --data-dir}, then the environment ({@code FAISS_REBUILD_LOG_LEVEL}); so the
 * precedence is environment variable, then option, then file, then default. Every value is checked
 * ({@link ConfigSchema} for shape, {@link ConfigValidator} for meaning) and all problems are reported
 * at once in one {@link ConfigException}; nothing starts with a configuration that does not hold
 * together. The result knows where each value came from.
 */
public final class ConfigLoader {
    /** Where the original service kept its configuration; read when no file is given and it exists. */
    public static final Path SYSTEM_CONFIG = Path.of("/etc/faiss-rebuild/config.json");
    /** Overrides {@code scheduler.log_level}; the CLI's logback.xml reads it too, before any configuration is loaded. */
    public static final String LOG_LEVEL_ENV = "FAISS_REBUILD_LOG_LEVEL";
    // strict: a key given twice (the last would silently win) and 2.5 for an integer (silently 2) are errors
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {}

    /** The defaults alone. */
    public static FaissRebuildConfig defaults() {
        return bind(defaultsTree(), "built-in defaults");
    }

    /**
     * @param file a JSON file, or null for the system file if it exists, else the defaults
     * @param dataDirOverride replaces {@code paths.data_dir} when not null (the CLI's {@code --data-dir})
     */
    public static FaissRebuildConfig load(Path file, Path dataDirOverride) {
        return read(file, dataDirOverride, System.getenv()).config();
    }

    /** As {@link #load}, with the environment given, and where every value came from. */
    public static LoadedConfig read(Path file, Path dataDirOverride, Map<String, String> env) {
        Path source = file != null ? file : Files.isRegularFile(SYSTEM_CONFIG) ? SYSTEM_CONFIG : null;
        ObjectNode tree = defaultsTree();
        List<String> problems = new ArrayList<>();
        Map<String, ConfigSource> sources = new HashMap<>();
        if (source != null) {
            ObjectNode user = readFile(source);
            ConfigSource fromFile = new ConfigSource.File(source);
            ConfigSchema.check(user, tree, problems).forEach(f -> sources.put(f, fromFile));
            ConfigSchema.merge(tree, user);
            FailureRateLink.apply(tree, sources.keySet(), problems).ifPresent(d -> sources.put(d.field(),
                    new ConfigSource.Derived("1 - " + d.from(), sources.get(d.from()))));
        }
        if (dataDirOverride != null) {
            ((ObjectNode) tree.get("paths")).put("data_dir", dataDirOverride.toString());
            sources.put("paths.data_dir", new ConfigSource.Option("--data-dir"));
        }
        String level = env.get(LOG_LEVEL_ENV);
        if (level != null && !level.isBlank()) {
            ((ObjectNode) tree.get("scheduler")).put("log_level", level.strip());
            sources.put("scheduler.log_level", new ConfigSource.Environment(LOG_LEVEL_ENV));
        }
        String origin = source != null ? source.toString() : "built-in defaults";
        FaissRebuildConfig config = bind(tree, origin);
        ConfigValidator.problems(config).forEach(p -> problems.add(withSource(p, sources)));
        if (!problems.isEmpty()) throw new ConfigException(origin, problems);
        return new LoadedConfig(config, Optional.ofNullable(source), fields(config, sources));
    }

    /** The configuration as JSON. */
    public static String toJson(FaissRebuildConfig config) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every leaf of the effective configuration with its source (the default unless something set it). */
    private static List<LoadedConfig.Field> fields(FaissRebuildConfig config, Map<String, ConfigSource> sources) {
        ConfigSource fallback = new ConfigSource.Default();
        List<LoadedConfig.Field> out = new ArrayList<>();
        ConfigSchema.leaves(JSON.valueToTree(config)).forEach((path, value) ->
                out.add(new LoadedConfig.Field(path, value, sources.getOrDefault(path, fallback))));
        return out;
    }

    /** A problem with a value that did not come from the file says where it came from. */
    private static String withSource(String problem, Map<String, ConfigSource> sources) {
        for (Map.Entry<String, ConfigSource> s : sources.entrySet()) {
            if (problem.startsWith(s.getKey() + " = ") && !(s.getValue() instanceof ConfigSource.File)) {
                return problem + " (from " + s.getValue().describe() + ")";
            }
        }
        return problem;
    }

    private static ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException("config " + file + ": no such file");
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) throw new ConfigException("config " + file + ": expected a JSON object at the top");
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new ConfigException("config " + file + ": not valid JSON: " + e.getOriginalMessage() + at, e);
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static ObjectNode defaultsTree() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("default-config.json is missing from the class path", e);
        }
    }

    /** {@link ConfigSchema} has removed every field the records cannot take, so a failure here is a bug, not a user's error. */
    private static FaissRebuildConfig bind(JsonNode tree, String origin) {
        try {
            return JSON.treeToValue(tree, FaissRebuildConfig.class);
        } catch (IOException e) {
            throw new IllegalStateException("config " + origin + " passed the schema check but cannot be bound: " + e.getMessage(), e);
        }
    }
}
