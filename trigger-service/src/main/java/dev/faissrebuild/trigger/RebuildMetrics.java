package dev.faissrebuild.trigger;

import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The seed's rebuild metrics. Counters and the histogram count the rebuilds that end while this process
 * runs, and every series of them exists at 0 from start-up, so Prometheus's {@code increase()} counts
 * the first event of each too (a series born at 1 hides it) and handles a restart as any counter reset:
 * {@code faiss_rebuild_total{status,trigger_type}}, {@code faiss_rebuild_duration_seconds{status}}
 * (buckets up to 8 h and one at the HighDuration threshold, for alerts on {@code _bucket}),
 * {@code faiss_rebuild_skipped_total{reason}}. The gauges read the durable status view, so a restart
 * neither resets them nor makes the system look stale: {@code faiss_rebuild_consecutive_failures},
 * {@code faiss_rebuild_last_success_timestamp}, {@code faiss_rebuild_first_start_timestamp},
 * {@code faiss_rebuild_running_seconds} (age of the oldest rebuild in progress, which a histogram of
 * finished rebuilds cannot show) and {@code faiss_rebuild_cooldown_remaining_seconds}.
 */
public final class RebuildMetrics {
    private static final Duration[] BUCKETS = {Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8)};
    private final MeterRegistry registry;
    private final Counter skippedByCooldown;

    private RebuildMetrics(MeterRegistry registry, Counter skippedByCooldown) {
        this.registry = registry;
        this.skippedByCooldown = skippedByCooldown;
    }

    /** Registers the counters and the histogram at 0 and counts every rebuild the view sees end from now on. */
    public static RebuildMetrics count(MeterRegistry registry, RebuildStatusView view, FaissRebuildConfig c) {
        Map<String, Counter> totals = new HashMap<>();
        Map<String, Timer> durations = new HashMap<>();
        // the HighDuration rule counts finished rebuilds over the limit with this bucket (le = PrometheusRules.bucketLabel)
        Duration[] buckets = buckets(Duration.ofNanos((long) (PrometheusRules.maxRebuildDurationSeconds(c) * 1e9)));
        for (String status : new String[] {"success", "failure"}) {
            for (TriggerType t : TriggerType.values()) totals.put(status + "|" + label(t.name()), total(registry, status, label(t.name())));
            durations.put(status, Timer.builder("faiss_rebuild_duration").description("Time from request to deploy or failure")
                    .tag("status", status).serviceLevelObjectives(buckets).register(registry));
        }
        view.onFinished(f -> {
            String status = f.deployed() ? "success" : "failure";
            totals.computeIfAbsent(status + "|" + label(f.trigger()), k -> total(registry, status, label(f.trigger()))).increment();
            durations.get(status).record(Duration.ofMillis((long) (f.seconds() * 1000)));
        });
        Counter skipped = Counter.builder("faiss_rebuild_skipped").description("Scheduled runs that did not start, by reason")
                .tag("reason", "cooldown").register(registry);
        return new RebuildMetrics(registry, skipped);
    }

    /** Registers the gauges; call once the view is restored, so none reads a half-restored view. */
    public void gauges(RebuildStatusView view, IndicesLayout layout, FaissRebuildConfig c) {
        Gauge.builder("faiss_rebuild_consecutive_failures", view, RebuildStatusView::consecutiveFailures)
                .description("Failed rebuilds since the last deployed one").register(registry);
        Gauge.builder("faiss_rebuild_last_success_timestamp", () -> lastSuccess(view, layout))
                .description("Unix time of the last deployed rebuild (the live generation's, if the history holds none; NaN if never)")
                .register(registry);
        Gauge.builder("faiss_rebuild_first_start_timestamp", () -> view.firstStartedAt().map(t -> (double) t.getEpochSecond()).orElse(Double.NaN))
                .description("Unix time the system first started (kept across restarts; FAISSRebuildStale counts from it when nothing ever succeeded)")
                .register(registry);
        Gauge.builder("faiss_rebuild_running_seconds", () -> oldestRunningSeconds(view))
                .description("Age of the oldest rebuild in progress (0 when none)").register(registry);
        for (var key : c.rebuild().keys()) {
            Gauge.builder("faiss_rebuild_progress_ratio", () -> {
                var p = view.buildsInProgress().get(key);
                return p == null ? 0.0 : p.getRatio();
            }).description("Share of the running build of this index done, 0..1 (0 when none is running)")
                    .tag("horizon", key.horizon().label()).tag("index_type", key.type().code()).register(registry);
        }
        Duration cooldown = Duration.ofHours(c.scheduler().failureCooldownHours());
        Gauge.builder("faiss_rebuild_cooldown_remaining_seconds", () -> view.cooldownUntil(c.scheduler().maxConsecutiveFailures(), cooldown,
                        Instant.now()).map(u -> (double) Duration.between(Instant.now(), u).toSeconds()).orElse(0.0))
                .description("Seconds until scheduled runs resume after consecutive failures (0: no cool-down)").register(registry);
    }

    /** A scheduled run skipped by the failure cool-down. */
    public void skippedByCooldown() {
        skippedByCooldown.increment();
    }

    static Duration[] buckets(Duration alertThreshold) {
        TreeSet<Duration> all = new TreeSet<>(java.util.List.of(BUCKETS));
        if (alertThreshold.isPositive()) all.add(alertThreshold);
        return all.toArray(Duration[]::new);
    }

    private static Counter total(MeterRegistry registry, String status, String trigger) {
        return Counter.builder("faiss_rebuild_total").description("Rebuilds that ended, by result and trigger")
                .tag("status", status).tag("trigger_type", trigger).register(registry);
    }

    private static String label(String trigger) {
        return trigger.toLowerCase();
    }

    static double lastSuccess(RebuildStatusView view, IndicesLayout layout) {
        return view.lastSuccess().map(f -> (double) f.at().getEpochSecond())
                .or(() -> layout.liveManifest().map(m -> (double) m.createdAt().getEpochSecond()))
                .orElse(Double.NaN);
    }

    static double oldestRunningSeconds(RebuildStatusView view) {
        return view.rebuilds().stream().filter(r -> r.result == null && r.requestedAt != null && !r.indices.isEmpty())
                .mapToDouble(r -> Duration.between(r.requestedAt, Instant.now()).toSeconds()).max().orElse(0);
    }
}
