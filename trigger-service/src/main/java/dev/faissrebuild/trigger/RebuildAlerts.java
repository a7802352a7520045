package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.http.Health.ActiveAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's alert rules evaluated in-process, for {@code /health} and {@code monitor --alerts}; the
 * same rules exist as Prometheus rules in {@code deploy/prometheus/}. All inputs come from the event
 * log or the live manifest, so a restart neither raises nor clears an alert by itself.
 */
public final class RebuildAlerts {
    private RebuildAlerts() {}

    public static List<ActiveAlert> active(RebuildStatusView view, IndicesLayout layout, FaissRebuildConfig config, Instant now) {
        FaissRebuildConfig.Monitoring m = config.monitoring();
        List<ActiveAlert> alerts = new ArrayList<>();
        int failures = view.consecutiveFailures();
        if (failures >= config.scheduler().maxConsecutiveFailures()) {
            alerts.add(new ActiveAlert("FAISSRebuildConsecutiveFailures", "critical", failures + " consecutive rebuilds failed; last: "
                    + view.lastFailure().map(RebuildStatusView.Finished::detail).orElse("?"), view.lastFailure().map(RebuildStatusView.Finished::at).orElse(now)));
        }
        double lastSuccess = RebuildMetrics.lastSuccess(view, layout);
        if (!Double.isNaN(lastSuccess) && now.getEpochSecond() - lastSuccess > Duration.ofDays(m.staleAfterDays()).toSeconds()) {
            alerts.add(new ActiveAlert("FAISSRebuildStale", "warning", "no successful rebuild for more than " + m.staleAfterDays() + " days",
                    Instant.ofEpochSecond((long) lastSuccess).plus(Duration.ofDays(m.staleAfterDays()))));
        }
        double running = RebuildMetrics.oldestRunningSeconds(view);
        if (running > m.maxRebuildDurationMinutes() * 60) {
            alerts.add(new ActiveAlert("FAISSRebuildHighDuration", "warning", String.format("a rebuild has been running for %.0f minutes (limit %.0f)",
                    running / 60, m.maxRebuildDurationMinutes()), now.minusSeconds((long) running)));
        }
        List<RebuildStatusView.Finished> day = view.history().stream().filter(f -> f.at().isAfter(now.minus(Duration.ofHours(24)))).toList();
        if (!day.isEmpty()) {
            double rate = day.stream().filter(RebuildStatusView.Finished::deployed).count() / (double) day.size();
            if (rate < m.minSuccessRate24h()) {
                alerts.add(new ActiveAlert("FAISSRebuildLowSuccessRate", "warning", String.format("%.0f %% of %d rebuilds in 24 h succeeded (minimum %.0f %%)",
                        rate * 100, day.size(), m.minSuccessRate24h() * 100), day.getFirst().at()));
            }
        }
        layout.liveManifest().ifPresent(manifest -> {
            for (GenerationManifest.Entry e : manifest.files()) {
                if (e.recallAtK() != null && e.recallAtK() < m.minRecallScore()) {
                    alerts.add(new ActiveAlert("FAISSIndexLowRecall", "critical", String.format("%s recall %.3f is below %.2f", e.indexKey(),
                            e.recallAtK(), m.minRecallScore()), manifest.createdAt()));
                }
            }
        });
        return alerts;
    }
}
