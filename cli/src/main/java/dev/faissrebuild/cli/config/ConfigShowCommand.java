package dev.faissrebuild.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faissrebuild.cli.GlobalOptions;
import dev.faissrebuild.cli.Table;
import dev.faissrebuild.runtime.config.ConfigSource;
import dev.faissrebuild.runtime.config.LoadedConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"The effective configuration: every field, its value and its source (built-in default, the file,",
                "--data-dir, an environment variable, or derived from another field). Credentials are masked."})
final class ConfigShowCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--json", description = "Print JSON: {file, config (nested, as in the file), sources (by dotted field)}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded = global.loaded();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(asJson(loaded)));
        } else {
            out.println("config file: " + loaded.file().map(Object::toString).orElse("none (built-in defaults)"));
            Table t = new Table("field", "value", "source");
            for (LoadedConfig.Field f : loaded.fields()) t.row(f.path(), text(SecretMask.mask(f.path(), f.value())), source(f.source()));
            t.print(out);
        }
        out.flush();
        return 0;
    }

    private static ObjectNode asJson(LoadedConfig loaded) {
        ObjectNode root = JSON.createObjectNode();
        root.put("file", loaded.file().map(Object::toString).orElse(null));
        ObjectNode config = root.putObject("config");
        ObjectNode sources = root.putObject("sources");
        for (LoadedConfig.Field f : loaded.fields()) {
            ObjectNode at = config;
            String[] parts = f.path().split("\\.");
            for (int i = 0; i < parts.length - 1; i++) at = at.has(parts[i]) ? (ObjectNode) at.get(parts[i]) : at.putObject(parts[i]);
            at.set(parts[parts.length - 1], SecretMask.mask(f.path(), f.value()));
            sources.put(f.path(), source(f.source()));
        }
        return root;
    }

    /** "file" alone: the file is named once, on top. */
    private static String source(ConfigSource s) {
        return switch (s) {
            case ConfigSource.File f -> "file";
            case ConfigSource.Derived d -> d.formula() + " (" + source(d.from()) + ")";
            default -> s.describe();
        };
    }

    private static String text(JsonNode v) {
        if (v.isTextual()) return v.asText().isEmpty() ? "\"\"" : v.asText();
        return v.toString();
    }
}
