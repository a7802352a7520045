package dev.faissrebuild.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.http.Health;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** monitoring.max_failure_rate moves FAISSRebuildLowSuccessRate, through min_success_rate_24h = 1 - it. */
class FailureRateAlertTest {
    @TempDir Path dir;

    /** The alerts after one deployed and one failed rebuild in the last hour (a failure share of 0.5). */
    private List<String> alertsWith(String monitoring) throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"monitoring\": {" + monitoring + "}}");
        var config = ConfigLoader.load(f, dir);
        Instant now = Instant.now();
        RebuildStatusView view = new RebuildStatusView();
        view.fold(GenerationDeployed.newBuilder().setRebuildId("r1").setGenerationId("g1").setTrigger(TriggerType.MANUAL).setFiles(List.of())
                .setSwapMillis(1).setRebuildSeconds(60).setDeployedAt(now.minusSeconds(3600)).build());
        view.fold(DeployFailed.newBuilder().setRebuildId("r2").setTrigger(TriggerType.MANUAL).setReason("test").setFailedKeys(List.of("24h/ivfpq"))
                .setRebuildSeconds(60).setFailedAt(now.minusSeconds(1800)).build());
        return RebuildAlerts.active(view, new IndicesLayout(dir.resolve("indices")), config, now).stream().map(Health.ActiveAlert::name).toList();
    }

    @Test
    void theAlertFiresWhenTheFailureShareExceedsMaxFailureRate() throws Exception {
        assertThat(alertsWith("")).contains("FAISSRebuildLowSuccessRate"); // default 0.2 < 0.5
        assertThat(alertsWith("\"max_failure_rate\": 0.4")).contains("FAISSRebuildLowSuccessRate");
        assertThat(alertsWith("\"max_failure_rate\": 0.6")).doesNotContain("FAISSRebuildLowSuccessRate");
        assertThat(alertsWith("\"min_success_rate_24h\": 0.4")).doesNotContain("FAISSRebuildLowSuccessRate"); // the same threshold
    }
}
