package dev.faissrebuild.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in deploy/prometheus are checked and unit-tested by Prometheus's own promtool
 * (Debian package prometheus, installed by make deps): each alert fires on the series that should
 * raise it and stays quiet otherwise, a restart included.
 */
class PrometheusRulesTest {

    @Test
    void alertRulesPassPromtoolsUnitTests() throws Exception {
        Path dir = repoRoot().resolve("deploy/prometheus");
        assertThat(run(dir, "promtool", "check", "rules", "faiss-rebuild-rules.yml")).contains("SUCCESS: 5 rules found");
        assertThat(run(dir, "promtool", "test", "rules", "faiss-rebuild-rules.test.yml")).contains("SUCCESS");
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy/prometheus"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("deploy/prometheus not found above " + Path.of("").toAbsolutePath());
        return p;
    }
}
