package dev.faissrebuild.runtime.logging;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code scheduler.log_level} to the {@code dev.faissrebuild} loggers when a process starts
 * (the CLI, {@code up}, each worker's main). The configuration loader has already put the environment
 * variable FAISS_REBUILD_LOG_LEVEL over the file's value, so the precedence is environment, then file,
 * then default; the CLI's logback.xml reads the same variable for the lines logged before the
 * configuration is read. SLF4J has no API to set a level, so this speaks to logback, the backend of
 * every faiss-rebuild process; under another backend it says it cannot.
 */
public final class LogLevels {
    /** The logger whose level the setting controls: everything of ours, nothing of Kafka's. */
    public static final String OURS = "dev.faissrebuild";
    private static final Logger LOG = LoggerFactory.getLogger(LogLevels.class);
    private static final String LOGBACK = "ch.qos.logback.classic.LoggerContext";

    private LogLevels() {}

    public static void apply(FaissRebuildConfig config) {
        apply(config.scheduler().logLevel());
    }

    /** @param level TRACE, DEBUG, INFO, WARN or ERROR, in any case (the configuration has checked it) */
    public static void apply(String level) {
        String name = level.toUpperCase(Locale.ROOT);
        if (LoggerFactory.getILoggerFactory().getClass().getName().equals(LOGBACK)) {
            Logback.set(OURS, name);
        } else {
            LOG.warn("event=log_level_not_applied level={} reason=\"the SLF4J backend is {}, not logback; set the level of {} there\"",
                    name, LoggerFactory.getILoggerFactory().getClass().getName(), OURS);
        }
    }

    /** Loaded only when logback is present (it is a provided dependency). */
    private static final class Logback {
        static void set(String logger, String level) {
            var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
            context.getLogger(logger).setLevel(ch.qos.logback.classic.Level.valueOf(level));
        }
    }
}
