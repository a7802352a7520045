package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's monitoring files are, and the alert rules for a configuration. */
final class PrometheusRulesFiles {
    private PrometheusRulesFiles() {}

    static String rules(FaissRebuildConfig config) throws IOException {
        return Files.readString(repoRoot().resolve("deploy/prometheus/faiss-rebuild-rules.yml"));
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy/prometheus"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("deploy/prometheus not found above " + Path.of("").toAbsolutePath());
        return p;
    }
}
