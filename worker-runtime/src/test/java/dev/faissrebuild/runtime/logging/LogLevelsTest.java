package dev.faissrebuild.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.faissrebuild.runtime.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** scheduler.log_level changes what a dev.faissrebuild logger writes, and the environment variable wins over it. */
class LogLevelsTest {
    private static final Logger OURS = LoggerFactory.getLogger("dev.faissrebuild.builder.BuildStep");
    private static final Logger KAFKA = LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
    @TempDir Path dir;
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private final ch.qos.logback.classic.Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        seen.start();
        root.addAppender(seen);
    }

    @AfterEach
    void restore() {
        root.detachAppender(seen);
        LogLevels.apply("INFO");
    }

    private List<String> lines() {
        return seen.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    private void logEveryLevel() {
        OURS.debug("event=a_debug_line");
        OURS.info("event=an_info_line");
        OURS.warn("event=a_warn_line");
    }

    @Test
    void warnFromTheFileSuppressesInfo() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"scheduler\": {\"log_level\": \"WARN\"}}");
        LogLevels.apply(ConfigLoader.read(f, null, Map.of()).config());
        logEveryLevel();
        assertThat(lines()).containsExactly("WARN event=a_warn_line");
    }

    @Test
    void debugFromTheEnvironmentOverridesTheFileAndEnablesDebug() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"scheduler\": {\"log_level\": \"ERROR\"}}");
        LogLevels.apply(ConfigLoader.read(f, null, Map.of(ConfigLoader.LOG_LEVEL_ENV, "debug")).config());
        logEveryLevel();
        KAFKA.info("a Kafka client line"); // not ours: its level stays where logback.xml put it
        assertThat(lines()).containsExactly("DEBUG event=a_debug_line", "INFO event=an_info_line", "WARN event=a_warn_line");
    }
}
