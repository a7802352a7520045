package dev.faissrebuild.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** logging.file: the lines go to the file in the console's format, and logback rotates it by size into gzipped files. */
class LogFileTest {
    private static final Logger LOG = LoggerFactory.getLogger("dev.faissrebuild.test.LogFileTest");
    @TempDir Path dir;

    @Test
    void linesGoToTheFileWhichIsRotatedAtItsSizeAndGzipped() throws Exception {
        FaissRebuildConfig c = ConfigLoader.load(Files.writeString(dir.resolve("c.json"),
                "{\"logging\": {\"file\": \"log/service.log\", \"max_file_size_mb\": 1, \"max_history_days\": 3, \"total_size_cap_mb\": 10}}"), dir);
        String padding = "x".repeat(200);
        var root = ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        var console = root.getAppender("STDOUT");
        root.detachAppender(console); // 2.6 MB of test lines are for the file, not the build's output
        try (AutoCloseable attached = LogFile.attach(c.logging(), dir)) {
            for (int i = 0; i < 12_000; i++) LOG.warn("event=test_line n={} padding={}", i, padding);
        } finally {
            root.addAppender(console);
        }
        Path log = dir.resolve("log");
        List<Path> rotated;
        try (Stream<Path> files = Files.list(log)) {
            rotated = files.filter(p -> p.getFileName().toString().endsWith(".log.gz")).sorted().toList();
        }
        assertThat(rotated).as("rotated files beside service.log").isNotEmpty();
        assertThat(rotated.get(0).getFileName().toString()).matches("service\\.\\d{4}-\\d{2}-\\d{2}\\.0\\.log\\.gz");
        List<String> first;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(rotated.get(0)))) {
            first = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(2).toList();
        }
        assertThat(first.get(0)).contains("event=log_file_opened file=" + log.resolve("service.log") + " max_file_size_mb=1");
        assertThat(first.get(1)).matches("\\d{4}-\\d{2}-\\d{2}T\\S+ level=WARN logger=LogFileTest event=test_line n=0 padding=x+");
        assertThat(Files.size(log.resolve("service.log"))).as("the live file stays near its size limit").isLessThan(1_200_000);
        List<String> live = Files.readAllLines(log.resolve("service.log"));
        assertThat(live.get(live.size() - 1)).contains("event=test_line n=11999 ");
        LOG.warn("event=after_detach");
        assertThat(Files.readString(log.resolve("service.log"))).as("detached: no more lines").doesNotContain("after_detach");
    }

    @Test
    void noFileIsWrittenUnlessOneIsConfigured() throws Exception {
        FaissRebuildConfig c = ConfigLoader.load(Files.writeString(dir.resolve("c.json"), "{}"), dir);
        try (AutoCloseable attached = LogFile.attach(c.logging(), dir)) {
            LOG.warn("event=test_line");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("c.json");
        }
    }
}
