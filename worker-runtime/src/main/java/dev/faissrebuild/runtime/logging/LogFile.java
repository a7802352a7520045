package dev.faissrebuild.runtime.logging;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code logging.file}: the long-running processes ({@code up}, each worker) also write their log lines
 * to a file, rotated by logback itself (by size and by day, gzip-compressed, a bounded history), for
 * hosts whose operators grep {@code /var/log/faiss-rebuild/service.log} as the seed does. stderr keeps
 * every line too: under systemd it goes to journald. One-shot CLI commands do not write the file (an
 * operator running them is often not the service user, who owns it).
 */
public final class LogFile {
    private static final Logger LOG = LoggerFactory.getLogger(LogFile.class);
    private static final String LOGBACK = "ch.qos.logback.classic.LoggerContext";
    static final String APPENDER = "SERVICE_LOG";
    /** The same line as the console's (cli logback.xml): one event per line, key=value. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level logger=%logger{0} %msg%n";

    private LogFile() {}

    /** Starts writing the file when {@code logging.file} is set; a handle that stops it (tests, reload). */
    public static AutoCloseable attach(FaissRebuildConfig.Logging settings, Path base) {
        if (settings.file().isBlank()) return () -> {};
        Path file = base == null ? Path.of(settings.file()) : base.resolve(settings.file());
        if (!LoggerFactory.getILoggerFactory().getClass().getName().equals(LOGBACK)) {
            LOG.warn("event=log_file_not_written file={} reason=\"the SLF4J backend is {}, not logback\"", file,
                    LoggerFactory.getILoggerFactory().getClass().getName());
            return () -> {};
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("logging.file = \"" + settings.file() + "\": cannot create the directory of " + file
                    + " (" + e.getMessage() + ")");
        }
        AutoCloseable detach = Logback.attach(file, settings);
        LOG.info("event=log_file_opened file={} max_file_size_mb={} max_history_days={} total_size_cap_mb={}", file,
                settings.maxFileSizeMb(), settings.maxHistoryDays(), settings.totalSizeCapMb());
        return detach;
    }

    /** Rotated names: {@code service.2026-12-01.0.log.gz} beside {@code service.log}. */
    static String rotatedPattern(Path file) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        return file.resolveSibling(stem + ".%d{yyyy-MM-dd}.%i.log.gz").toString();
    }

    /** Loaded only when logback is present (it is a provided dependency). */
    private static final class Logback {
        static AutoCloseable attach(Path file, FaissRebuildConfig.Logging s) {
            var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
            var encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern(PATTERN);
            encoder.start();
            var appender = new ch.qos.logback.core.rolling.RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
            appender.setContext(context);
            appender.setName(APPENDER);
            appender.setFile(file.toString());
            appender.setEncoder(encoder);
            var policy = new ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy<ch.qos.logback.classic.spi.ILoggingEvent>();
            policy.setContext(context);
            policy.setParent(appender);
            policy.setFileNamePattern(rotatedPattern(file));
            policy.setMaxFileSize(ch.qos.logback.core.util.FileSize.valueOf(s.maxFileSizeMb() + "MB"));
            policy.setMaxHistory(s.maxHistoryDays());
            policy.setTotalSizeCap(ch.qos.logback.core.util.FileSize.valueOf(s.totalSizeCapMb() + "MB"));
            policy.start();
            appender.setRollingPolicy(policy);
            appender.start();
            var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.addAppender(appender);
            return () -> {
                root.detachAppender(appender);
                appender.stop();
            };
        }
    }
}
