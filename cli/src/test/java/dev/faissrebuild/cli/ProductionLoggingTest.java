package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import org.junit.jupiter.api.Test;

/**
 * The log channel's lines pass the logging configuration the product ships (not the tests' own):
 * INFO notifications were dropped when their logger sat outside {@code dev.faissrebuild}, under the
 * WARN root, while the notifier counted them as sent.
 */
class ProductionLoggingTest {
    @Test
    void infoNotificationsPassTheShippedConfiguration() throws Exception {
        LoggerContext shipped = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(shipped);
        joran.doConfigure(ProductionLoggingTest.class.getResource("/logback.xml"));
        assertThat(shipped.getLogger("dev.faissrebuild.notifications").isInfoEnabled())
                .as("INFO notifications under the shipped logback.xml (FAISS_REBUILD_LOG_LEVEL=%s)", System.getenv("FAISS_REBUILD_LOG_LEVEL"))
                .isEqualTo(System.getenv("FAISS_REBUILD_LOG_LEVEL") == null);
        assertThat(shipped.getLogger("faiss.notifications").isInfoEnabled()).as("the old logger name, under the WARN root").isFalse();
        shipped.stop();
    }
}
