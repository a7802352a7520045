package dev.faissrebuild.runtime.config;

import java.nio.file.Path;

/** Where one effective configuration value came from, for {@code faiss-rebuild config show} and for error messages. */
public sealed interface ConfigSource {
    /** How an operator reads it: "built-in default", "file /etc/faiss-rebuild/config.json", ... */
    String describe();

    record Default() implements ConfigSource {
        @Override
        public String describe() {
            return "built-in default";
        }
    }

    record File(Path file) implements ConfigSource {
        @Override
        public String describe() {
            return "file " + file;
        }
    }

    /** A command-line option that overrides the file, such as {@code --data-dir}. */
    record Option(String name) implements ConfigSource {
        @Override
        public String describe() {
            return name;
        }
    }

    record Environment(String variable) implements ConfigSource {
        @Override
        public String describe() {
            return "environment variable " + variable;
        }
    }

    /** Computed from another value, e.g. {@code 1 - monitoring.max_failure_rate}. */
    record Derived(String formula, ConfigSource from) implements ConfigSource {
        @Override
        public String describe() {
            return formula + " (" + from.describe() + ")";
        }
    }
}
