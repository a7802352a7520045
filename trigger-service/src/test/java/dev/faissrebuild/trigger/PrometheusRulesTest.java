package dev.faissrebuild.trigger;

import static dev.faissrebuild.trigger.ExternalTool.repoRoot;
import static dev.faissrebuild.trigger.ExternalTool.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated alert rules, checked and unit-tested by Prometheus's own promtool: the checked-in
 * copy for the defaults, and rules generated from a non-default configuration, whose thresholds must
 * move with it.
 */
class PrometheusRulesTest {
    static final String NON_DEFAULT = """
            {"scheduler": {"max_consecutive_failures": 5},
             "monitoring": {"max_rebuild_duration_minutes": 90, "min_success_rate_24h": 0.7, "stale_after_days": 2, "min_recall_score": 0.8}}
            """;
    @TempDir Path dir;

    @Test
    void theCheckedInRulesAreTheGeneratorsOutputForTheDefaults() throws Exception {
        Path file = repoRoot().resolve("deploy/prometheus/faiss-rebuild-rules.yml");
        assertThat(Files.readString(file)).as("regenerate: echo {} > F; faiss-rebuild monitor --rules --config F > " + file)
                .isEqualTo(PrometheusRules.yaml(ConfigLoader.defaults()));
    }

    @Test
    void theDefaultRulesPassPromtoolsUnitTests() throws Exception {
        Path deploy = repoRoot().resolve("deploy/prometheus");
        assertThat(succeed(deploy, "promtool", "check", "rules", "faiss-rebuild-rules.yml")).contains("SUCCESS: 5 rules found");
        assertThat(succeed(deploy, "promtool", "test", "rules", "faiss-rebuild-rules.test.yml")).contains("SUCCESS");
    }

    @Test
    void thresholdsMoveWithTheConfiguration() throws Exception {
        writeRules(config(NON_DEFAULT));
        try (InputStream tests = getClass().getResourceAsStream("non-default-rules.test.yml")) {
            Files.copy(tests, dir.resolve("rules.test.yml"));
        }
        assertThat(succeed(dir, "promtool", "check", "rules", "faiss-rebuild-rules.yml")).contains("SUCCESS: 5 rules found");
        assertThat(succeed(dir, "promtool", "test", "rules", "rules.test.yml")).contains("SUCCESS");

        // the same tests on the defaults' rules fail where a threshold decides: they pass only because the thresholds moved
        writeRules(ConfigLoader.defaults());
        ExternalTool onDefaults = ExternalTool.run(dir, "promtool", "test", "rules", "rules.test.yml");
        assertThat(onDefaults.exitCode()).isNotZero();
        assertThat(onDefaults.output()).contains("alertname: FAISSRebuildConsecutiveFailures, time: 3m,", // 3 < 5: quiet
                "alertname: FAISSRebuildHighDuration, time: 12m,", "alertname: FAISSRebuildLowSuccessRate, time: 8h30m,",
                "alertname: FAISSRebuildStale, time: 2d1h31m,", "alertname: FAISSIndexLowRecall, time: 8m,");
    }

    @Test
    void numbersAreShortAndExact() throws Exception {
        String yaml = PrometheusRules.yaml(config(NON_DEFAULT));
        assertThat(yaml).contains("> 90 * 60\n", "le=\"5400.0\"", "[1h]))) > 0.5\n", ">= 5\n", "(limit 5)\"", "> 0.3\n", "Fewer than 70 %",
                "> 2 * 86400\n", "for: 90m\n", "in 2 days\"", "< 0.8\n", "more than 90 minutes\"");
        assertThat(yaml).doesNotContain("0.30000000000000004", "90.0");

        String single = PrometheusRules.yaml(config("""
                {"monitoring": {"max_rebuild_duration_minutes": 60, "stale_after_days": 1, "min_success_rate_24h": 0.95}}"""));
        assertThat(single).contains("more than 1 hour\"", "in 1 day\"", "for: 1h\n", "> 0.05\n", "Fewer than 95 %");
    }

    @Test
    void bucketLabelsAndDurationsAreFormattedTheRegistrysWay() throws Exception {
        assertThat(PrometheusRules.bucketLabel(PrometheusRules.maxRebuildDurationSeconds(ConfigLoader.defaults()))).isEqualTo("14400.0");
        assertThat(PrometheusRules.bucketLabel(5400)).isEqualTo("5400.0");
        assertThat(PrometheusRules.bucketLabel(0.5)).isEqualTo("0.5");
        assertThat(PrometheusRules.bucketLabel(PrometheusRules.maxRebuildDurationSeconds(config("""
                {"monitoring": {"max_rebuild_duration_minutes": 0.1}}""")))).isEqualTo("6.0");
        assertThat(PrometheusRules.promDuration(14400)).isEqualTo("4h");
        assertThat(PrometheusRules.promDuration(5400)).isEqualTo("90m");
        assertThat(PrometheusRules.promDuration(150)).isEqualTo("150s");
        assertThat(PrometheusRules.promDuration(1.5)).isEqualTo("1500ms");
    }

    private FaissRebuildConfig config(String json) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("config.json"), json), null);
    }

    private void writeRules(FaissRebuildConfig c) throws Exception {
        Files.writeString(dir.resolve("faiss-rebuild-rules.yml"), PrometheusRules.yaml(c));
    }
}
