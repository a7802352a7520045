package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.files.IndicesLayout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * The seed's rebuild metrics, computed from the rebuild history in the event log, so they survive a
 * restart (a process that just started does not look "stale"):
 * {@code faiss_rebuild_total{status,trigger_type}}, {@code faiss_rebuild_duration_seconds{status}}
 * (a histogram with buckets up to 8 h, for alerts on {@code _bucket}), {@code faiss_rebuild_consecutive_failures},
 * {@code faiss_rebuild_last_success_timestamp}, and {@code faiss_rebuild_running_seconds} (age of the
 * oldest rebuild in progress, which a histogram of finished rebuilds cannot show).
 */
public final class RebuildMetrics {
    private static final Duration[] BUCKETS = {Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8)};

    private RebuildMetrics() {}

    public static void bind(MeterRegistry registry, RebuildStatusView view, IndicesLayout layout) {
        view.onFinished(f -> {
            String status = f.deployed() ? "success" : "failure";
            Counter.builder("faiss_rebuild_total").description("Rebuilds that ended, by result and trigger")
                    .tag("status", status).tag("trigger_type", f.trigger().toLowerCase()).register(registry).increment();
            Timer.builder("faiss_rebuild_duration").description("Time from request to deploy or failure")
                    .tag("status", status).serviceLevelObjectives(BUCKETS).register(registry)
                    .record(Duration.ofMillis((long) (f.seconds() * 1000)));
        });
        Gauge.builder("faiss_rebuild_consecutive_failures", view, RebuildStatusView::consecutiveFailures)
                .description("Failed rebuilds since the last deployed one").register(registry);
        Gauge.builder("faiss_rebuild_last_success_timestamp", () -> lastSuccess(view, layout))
                .description("Unix time of the last deployed rebuild (the live generation's, if the log holds none)").register(registry);
        Gauge.builder("faiss_rebuild_running_seconds", () -> oldestRunningSeconds(view))
                .description("Age of the oldest rebuild in progress (0 when none)").register(registry);
    }

    static double lastSuccess(RebuildStatusView view, IndicesLayout layout) {
        return view.lastSuccess().map(f -> (double) f.at().getEpochSecond())
                .or(() -> layout.liveManifest().map(m -> (double) m.createdAt().getEpochSecond()))
                .orElse(Double.NaN);
    }

    static double oldestRunningSeconds(RebuildStatusView view) {
        return view.rebuilds().stream().filter(r -> r.result == null && r.requestedAt != null)
                .mapToDouble(r -> Duration.between(r.requestedAt, Instant.now()).toSeconds()).max().orElse(0);
    }
}
