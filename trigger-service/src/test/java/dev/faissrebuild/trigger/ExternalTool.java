package dev.faissrebuild.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's promtool and Alertmanager's amtool (Debian packages prometheus and
 * prometheus-alertmanager, installed by make deps), so the rules and configurations in deploy/ are
 * judged by the tools that will read them, not by a copy of their rules.
 */
record ExternalTool(int exitCode, String output) {

    static ExternalTool run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return new ExternalTool(p.exitValue(), out);
    }

    /** Runs the command and asserts it succeeded; returns its output. */
    static String succeed(Path dir, String... command) throws Exception {
        ExternalTool r = run(dir, command);
        assertThat(r.exitCode()).as(String.join(" ", command) + ":\n" + r.output()).isZero();
        return r.output();
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy/prometheus"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("deploy/prometheus not found above " + Path.of("").toAbsolutePath());
        return p;
    }
}
