package dev.faissrebuild.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/install.sh into a scratch root, the systemd units it installs as systemd-analyze reads them,
 * the installed program running from there, and docker-compose.yml as docker-compose reads it (no
 * Docker engine runs on the build machines: the images are not built or started here).
 */
class ShippedServiceTest {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    @TempDir Path scratch;

    @Test
    void theInstallerLaysOutTheServiceWithItsModesAndKeepsAnExistingConfig() throws Exception {
        String out = succeed(REPO, "deploy/install.sh", "--root", scratch.toString());
        assertThat(out).contains("installed faiss-rebuild into " + scratch);
        assertThat(mode("etc/faiss-rebuild/config.json")).isEqualTo("rw-r-----");
        assertThat(mode("etc/faiss-rebuild")).isEqualTo("rwxr-x---");
        assertThat(mode("var/lib/faiss-rebuild")).isEqualTo("rwxr-x---");
        assertThat(mode("var/log/faiss-rebuild")).isEqualTo("rwxr-x---");
        assertThat(mode("opt/faiss-rebuild/bin/faiss-rebuild")).isEqualTo("rwxr-xr-x");
        try (var files = Files.walk(scratch)) {
            assertThat(files.filter(p -> !Files.isSymbolicLink(p)).filter(p -> perms(p).charAt(7) == 'w').toList())
                    .as("world-writable").isEmpty();
        }
        // the installed program runs, and finds the installed config valid
        String valid = succeed(scratch, scratch.resolve("opt/faiss-rebuild/bin/faiss-rebuild").toString(), "config", "validate", "--file",
                scratch.resolve("etc/faiss-rebuild/config.json").toString());
        assertThat(valid).contains("is valid");
        // a second install keeps what the operator changed
        Path config = scratch.resolve("etc/faiss-rebuild/config.json");
        Files.writeString(config, "{\"rebuild\": {\"max_workers\": 1}}");
        assertThat(succeed(REPO, "deploy/install.sh", "--root", scratch.toString())).contains("kept the existing");
        assertThat(Files.readString(config)).isEqualTo("{\"rebuild\": {\"max_workers\": 1}}");
    }

    @Test
    void systemdAnalyzeVerifiesTheInstalledUnits() throws Exception {
        succeed(REPO, "deploy/install.sh", "--root", scratch.toString());
        // what the units pull in (sysinit.target, network-online.target, ...) comes from this machine's systemd
        Path units = Files.createDirectories(scratch.resolve("lib/systemd/system"));
        try (var system = Files.list(Path.of("/lib/systemd/system"))) {
            for (Path p : system.filter(p -> p.getFileName().toString().matches(".*\\.(target|slice|socket)")).toList()) {
                if (Files.isRegularFile(p)) Files.copy(p, units.resolve(p.getFileName()));
            }
        }
        // and the host's own commands the units run (ExecReload's kill)
        Files.copy(Path.of("/bin/kill").toRealPath(), Files.createDirectories(scratch.resolve("bin")).resolve("kill"),
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        for (String unit : List.of("faiss-rebuild.service", "faiss-rebuild-worker@builder.service", "faiss-rebuild-worker@deployer.service",
                "faiss-rebuild-follow.service")) {
            Run r = run(scratch, "systemd-analyze", "verify", "--root=" + scratch, "/etc/systemd/system/" + unit);
            assertThat(r.code()).as(unit + ": " + r.out()).isZero();
            assertThat(r.out()).as(unit).isEmpty();
        }
        String unit = Files.readString(scratch.resolve("etc/systemd/system/faiss-rebuild.service"));
        assertThat(unit).contains("User=faiss-rebuild", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ReadWritePaths=/var/lib/faiss-rebuild /var/log/faiss-rebuild", "PrivateTmp=yes", "ExecReload=/bin/kill -HUP $MAINPID", "ProtectHome=yes", "RestrictNamespaces=yes")
                .doesNotContain("\nMemoryDenyWriteExecute="); // the JVM's JIT writes and then runs code
    }

    @Test
    void dockerComposeReadsTheComposeFileAndWhatItMountsExists() throws Exception {
        Run config = run(REPO, "docker-compose", "-f", "docker-compose.yml", "config");
        assertThat(config.code()).as(config.out()).isZero();
        assertThat(config.out()).contains("apache/kafka", "KAFKA_PROCESS_ROLES: broker,controller", "prom/prometheus", "prom/alertmanager",
                "grafana/grafana");
        for (String mounted : List.of("deploy/compose/config.json", "deploy/compose/prometheus.yml", "deploy/prometheus/faiss-rebuild-rules.yml",
                "deploy/alertmanager/alertmanager.yml", "deploy/grafana/provisioning/datasources/prometheus.yml",
                "deploy/grafana/provisioning/dashboards/faiss-rebuild.yml", "deploy/grafana/faiss-rebuild-dashboard.json", "Dockerfile")) {
            assertThat(REPO.resolve(mounted)).as(mounted).exists();
        }
        // the compose's Prometheus configuration, with the rules beside it as the compose mounts them
        Files.copy(REPO.resolve("deploy/compose/prometheus.yml"), scratch.resolve("prometheus.yml"));
        Files.copy(REPO.resolve("deploy/prometheus/faiss-rebuild-rules.yml"), scratch.resolve("faiss-rebuild-rules.yml"));
        assertThat(succeed(scratch, "promtool", "check", "config", "prometheus.yml")).contains("SUCCESS: 5 rules found");
        // the compose's worker configuration is valid and listens beyond the container
        assertThat(succeed(REPO, "bin/faiss-rebuild", "config", "validate", "--file", "deploy/compose/config.json")).contains("is valid");
    }

    private String mode(String path) throws Exception {
        return perms(scratch.resolve(path));
    }

    private static String perms(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Run(int code, String out) {}

    static Run run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return new Run(p.exitValue(), out);
    }

    static String succeed(Path dir, String... command) throws Exception {
        Run r = run(dir, command);
        assertThat(r.code()).as(String.join(" ", command) + ":\n" + r.out()).isZero();
        return r.out();
    }
}
