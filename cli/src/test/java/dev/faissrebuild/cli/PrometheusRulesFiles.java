package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.trigger.PrometheusRules;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's monitoring files are, and the alert rules for a configuration. */
final class PrometheusRulesFiles {
    private PrometheusRulesFiles() {}

    /** The rules `faiss-rebuild monitor --rules` prints for this configuration. */
    static String rules(FaissRebuildConfig config) {
        return PrometheusRules.yaml(config);
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy/prometheus"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("deploy/prometheus not found above " + Path.of("").toAbsolutePath());
        return p;
    }
}
