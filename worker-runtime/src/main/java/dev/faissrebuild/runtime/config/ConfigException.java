package dev.faissrebuild.runtime.config;

import java.util.List;

/**
 * A configuration that cannot be used: the message names the file, then every problem found, each
 * with the field, the value and what was expected, so one run shows everything there is to fix.
 */
public class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(String message) {
        this(message, (Throwable) null);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /** @param origin the file (or "built-in defaults") the problems were found in */
    public ConfigException(String origin, List<String> problems) {
        super("config " + origin + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own: field, value and expectation. */
    public List<String> problems() {
        return problems;
    }
}
