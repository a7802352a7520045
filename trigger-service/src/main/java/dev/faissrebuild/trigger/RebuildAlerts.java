package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.http.Health.ActiveAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The seed's alert rules evaluated in-process, for {@code /health} and {@code monitor --alerts}; the
 * same rules, generated from the same configuration, exist as Prometheus rules ({@code monitor --rules}).
 * All inputs come from the durable status view or the live manifest, so a restart neither raises nor
 * clears an alert by itself; {@link AlertMonitor} publishes their transitions on {@code faiss.alerts}.
 */
public final class RebuildAlerts {
    private RebuildAlerts() {}

    /**
     * No success within {@code days} of the last one, or — when nothing ever succeeded — of the system's
     * first start (a system that never worked must not stay quiet for ever).
     */
    static Optional<ActiveAlert> stale(RebuildStatusView view, IndicesLayout layout, int days, Instant now) {
        double lastSuccess = RebuildMetrics.lastSuccess(view, layout);
        Optional<Instant> since = !Double.isNaN(lastSuccess) ? Optional.of(Instant.ofEpochSecond((long) lastSuccess)) : view.firstStartedAt();
        Duration limit = Duration.ofDays(days);
        if (since.isEmpty() || !since.get().plus(limit).isBefore(now)) return Optional.empty();
        String summary = !Double.isNaN(lastSuccess) ? "no successful rebuild for more than " + days + " days (last " + since.get() + ")"
                : "no successful rebuild since the system first started " + since.get() + " (more than " + days + " days)";
        return Optional.of(new ActiveAlert("FAISSRebuildStale", "warning", summary, since.get().plus(limit)));
    }

    public static List<ActiveAlert> active(RebuildStatusView view, IndicesLayout layout, FaissRebuildConfig config, Instant now) {
        FaissRebuildConfig.Monitoring m = config.monitoring();
        List<ActiveAlert> alerts = new ArrayList<>();
        int failures = view.consecutiveFailures();
        if (failures >= config.scheduler().maxConsecutiveFailures()) {
            alerts.add(new ActiveAlert("FAISSRebuildConsecutiveFailures", "critical", failures + " consecutive rebuilds failed; last: "
                    + view.lastFailure().map(RebuildStatusView.Finished::detail).orElse("?"), view.lastFailure().map(RebuildStatusView.Finished::at).orElse(now)));
        }
        stale(view, layout, m.staleAfterDays(), now).ifPresent(alerts::add);
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
                            e.recallAtK(), m.minRecallScore()), manifest.createdAt(), java.util.Map.of("index", e.indexKey())));
                }
            }
        });
        return alerts;
    }
}
