package dev.faissrebuild.runtime.config;

/** A configuration that cannot be used: the message names the file, the field, the value and what was expected. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
