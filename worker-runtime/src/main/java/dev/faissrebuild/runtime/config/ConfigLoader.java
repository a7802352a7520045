package dev.faissrebuild.runtime.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the configuration: the defaults, a user's JSON file merged over them field by field, then
 * {@link ConfigValidator}. Any problem is a {@link ConfigException} naming file, field, value and
 * what was expected; nothing starts with a configuration that does not hold together.
 */
public final class ConfigLoader {
    /** Where the original service kept its configuration; read when no file is given and it exists. */
    public static final Path SYSTEM_CONFIG = Path.of("/etc/faiss-rebuild/config.json");
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

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
        Path source = file != null ? file : Files.isRegularFile(SYSTEM_CONFIG) ? SYSTEM_CONFIG : null;
        ObjectNode tree = defaultsTree();
        String origin = "built-in defaults";
        if (source != null) {
            origin = source.toString();
            merge(tree, readFile(source), "");
        }
        if (dataDirOverride != null) {
            ((ObjectNode) tree.get("paths")).put("data_dir", dataDirOverride.toString());
        }
        FaissRebuildConfig config = bind(tree, origin);
        ConfigValidator.check(config, origin);
        return config;
    }

    /** The configuration as JSON, for {@code faiss-rebuild config show}. */
    public static String toJson(FaissRebuildConfig config) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException("config " + file + ": no such file");
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) throw new ConfigException("config " + file + ": expected a JSON object at the top");
            return node;
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    private static ObjectNode defaultsTree() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("default-config.json is missing from the class path", e);
        }
    }

    /** Merges {@code user} into {@code base}: objects field by field, anything else replaced; unknown sections refused. */
    private static void merge(ObjectNode base, JsonNode user, String path) {
        Iterator<Map.Entry<String, JsonNode>> fields = user.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String where = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            JsonNode existing = base.get(f.getKey());
            if (existing == null && path.isEmpty()) {
                throw new ConfigException("unknown section '" + where + "'; known sections: " + names(base));
            }
            if (existing != null && existing.isObject() && f.getValue().isObject() && !where.endsWith("properties")
                    && !where.endsWith("headers")) {
                merge((ObjectNode) existing, f.getValue(), where);
            } else {
                base.set(f.getKey(), f.getValue());
            }
        }
    }

    private static FaissRebuildConfig bind(JsonNode tree, String origin) {
        try {
            return JSON.treeToValue(tree, FaissRebuildConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("config " + origin + ": unknown field '" + path(e.getPath()) + "'; known fields there: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")), e);
        } catch (MismatchedInputException e) {
            throw new ConfigException("config " + origin + ": field '" + path(e.getPath()) + "' has the wrong type: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("config " + origin + ": " + e.getMessage(), e);
        }
    }

    private static String path(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> refs) {
        return refs.stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String names(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        node.fieldNames().forEachRemaining(n -> sb.append(sb.isEmpty() ? "" : ", ").append(n));
        return sb.toString();
    }
}
