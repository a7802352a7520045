package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.trigger.PrometheusRules;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monitor --rules}: the alert rules for the effective configuration, with nothing running. */
class MonitorRulesTest {
    @TempDir Path dir;

    @Test
    void printsTheRulesOfTheGivenConfig() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"scheduler": {"max_consecutive_failures": 5}, "monitoring": {"stale_after_days": 2}}""");
        CliRun run = CliRun.run("", "monitor", "--rules", "--config", config.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(PrometheusRules.yaml(ConfigLoader.load(config, null)))
                .contains("max(faiss_rebuild_consecutive_failures) >= 5\n", "> 2 * 86400\n");
    }

    @Test
    void anInvalidConfigIsRefusedWithExitOne() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"monitoring": {"min_recall_score": 1.5}}""");
        CliRun run = CliRun.run("", "monitor", "--rules", "--config", config.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLines()).contains("monitoring.min_recall_score = 1.5: expected a fraction from 0 to 1");
    }

    @Test
    void rulesIsOneOfTheExclusiveChoices() {
        CliRun run = CliRun.run("", "monitor", "--rules", "--alerts");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("mutually exclusive");
    }
}
