package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The Prometheus alert rules, generated from the configuration so that they use the thresholds
 * {@link RebuildAlerts} uses in-process (a hand-written copy drifted as soon as the config changed).
 * Printed by {@code faiss-rebuild monitor --rules}; {@code deploy/prometheus/faiss-rebuild-rules.yml}
 * is the output for the built-in defaults. Pure: the same configuration gives the same text.
 */
public final class PrometheusRules {
    private static final String HEADER = """
            # Alert rules of faiss-rebuild, GENERATED from its configuration: do not edit by hand. Regenerate with
            #   faiss-rebuild monitor --rules --config F > faiss-rebuild-rules.yml
            # (F containing {} gives the built-in defaults: the copy in deploy/prometheus/, which a test keeps equal
            # to the generator's output). /health evaluates the same rules in-process (RebuildAlerts), but without
            # the for: durations and without FAISSRebuildStale's first-start fallback.
            """;

    private PrometheusRules() {}

    /** The {@code le} label of the histogram bucket at {@code seconds}, as the registry writes it (Java's Double.toString). */
    public static String bucketLabel(double seconds) {
        return Double.toString(seconds);
    }

    /**
     * FAISSRebuildHighDuration's limit: {@code faiss_rebuild_duration_seconds} needs a bucket boundary exactly
     * here. Multiplied in decimal, so 0.1 minutes is 6.0 s (not 6.000000000000001) and its label stays plain.
     */
    public static double maxRebuildDurationSeconds(FaissRebuildConfig c) {
        return BigDecimal.valueOf(c.monitoring().maxRebuildDurationMinutes()).multiply(BigDecimal.valueOf(60)).doubleValue();
    }

    public static String yaml(FaissRebuildConfig c) {
        StringBuilder out = new StringBuilder(HEADER).append(thresholds(c)).append("groups:\n  - name: faiss-rebuild\n    rules:\n");
        List.of(highDuration(c), consecutiveFailures(c), lowSuccessRate(c), stale(c), lowRecall(c)).forEach(r -> r.appendTo(out));
        return out.toString();
    }

    private static String thresholds(FaissRebuildConfig c) {
        FaissRebuildConfig.Monitoring m = c.monitoring();
        return "# Thresholds: monitoring.max_rebuild_duration_minutes=" + num(m.maxRebuildDurationMinutes())
                + ", scheduler.max_consecutive_failures=" + c.scheduler().maxConsecutiveFailures()
                + ",\n#   monitoring.min_success_rate_24h=" + num(m.minSuccessRate24h()) + ", monitoring.stale_after_days=" + m.staleAfterDays()
                + ", monitoring.min_recall_score=" + num(m.minRecallScore()) + "\n";
    }

    private static Rule highDuration(FaissRebuildConfig c) {
        String minutes = num(c.monitoring().maxRebuildDurationMinutes());
        String le = bucketLabel(maxRebuildDurationSeconds(c));
        return new Rule("FAISSRebuildHighDuration", """
                max(faiss_rebuild_running_seconds) > %s * 60
                or
                (sum(increase(faiss_rebuild_duration_seconds_bucket{le="+Inf"}[1h]))
                  - sum(increase(faiss_rebuild_duration_seconds_bucket{le="%s"}[1h]))) > 0.5""".formatted(minutes, le),
                "5m", "warning", "A FAISS rebuild has taken more than " + humanMinutes(c.monitoring().maxRebuildDurationMinutes()), """
                a rebuild running for more than %s minutes (monitoring.max_rebuild_duration_minutes), or one that finished
                in the last hour after more than that (le="%s" is the histogram's bucket at the limit): the first
                branch sees a rebuild in progress, the second one that ended between two scrapes. "> 0.5", not "> 0":
                increase() extrapolates a bucket that starts the window at 0 less than +Inf, leaving a remainder < 1.
                for: 5m - a rebuild ending right at the limit can look "running" past it for a scrape before its end is
                folded in, while its recorded duration is within it; 5 minutes are nothing against the limit.""".formatted(minutes, le));
    }

    private static Rule consecutiveFailures(FaissRebuildConfig c) {
        int n = c.scheduler().maxConsecutiveFailures();
        return new Rule("FAISSRebuildConsecutiveFailures", "max(faiss_rebuild_consecutive_failures) >= " + n, null, "critical",
                "{{ $value }} FAISS rebuilds in a row have failed (limit " + n + ")", """
                %d failed rebuilds in a row (scheduler.max_consecutive_failures; scheduled rebuilds then pause for the cooldown).
                no for: the gauge counts failures that happened (folded from the event log, so a restart neither raises
                nor clears it): there is no noise to wait out, and the failure that reached the limit pages at once.""".formatted(n));
    }

    private static Rule lowSuccessRate(FaissRebuildConfig c) {
        BigDecimal min = BigDecimal.valueOf(c.monitoring().minSuccessRate24h());
        String maxFailureShare = num(BigDecimal.ONE.subtract(min));
        return new Rule("FAISSRebuildLowSuccessRate", """
                sum(increase(faiss_rebuild_total{status="failure"}[24h]))
                  / sum(increase(faiss_rebuild_total[24h])) > %s""".formatted(maxFailureShare),
                "15m", "warning", "Fewer than " + num(min.movePointRight(2)) + " % of FAISS rebuilds succeeded in the last 24 hours", """
                a failure share over 24 h above %s = 1 - monitoring.min_success_rate_24h: as a failure share so that
                "no success at all" still fires (a success ratio would have no data); no rebuild in 24 h is no alert.
                for: 15m - a share of a few rebuilds from extrapolated increase()s jumps when a sample enters or leaves
                the window or a counter restarts; a real low rate lasts for hours (a failure stays 24 h in the window).""".formatted(maxFailureShare));
    }

    private static Rule stale(FaissRebuildConfig c) {
        int days = c.monitoring().staleAfterDays();
        String grace = promDuration(maxRebuildDurationSeconds(c));
        return new Rule("FAISSRebuildStale", """
                time() - (
                    max(faiss_rebuild_last_success_timestamp >= 0)
                  or
                    (min(faiss_rebuild_first_start_timestamp) and count(faiss_rebuild_last_success_timestamp))
                ) > %d * 86400""".formatted(days),
                grace, "warning", "No successful FAISS rebuild in " + plural(days, "day"), """
                no success within %d days (monitoring.stale_after_days) of the last one or, when there never was one
                (the gauge is NaN, which ">= 0" drops), of the system's first start: both kept in durable state, so a
                restart resets neither. The fallback needs the trigger's NaN gauge (a trigger that is down is not
                "stale"), and takes the earliest first start if several processes report one.
                for: %s (monitoring.max_rebuild_duration_minutes) - when stale_after_days is the schedule's period the
                deadline falls on the next scheduled run: the rebuild in progress may take its allowed time to land.""".formatted(days, grace));
    }

    private static Rule lowRecall(FaissRebuildConfig c) {
        String min = num(c.monitoring().minRecallScore());
        return new Rule("FAISSIndexLowRecall", "faiss_index_recall_score{set=\"live\"} < " + min, "5m", "critical",
                "Live index {{ $labels.horizon }}/{{ $labels.index_type }} has recall {{ $value }} (< " + min + ")", """
                a live index (read from the live manifest) with recall below %s (monitoring.min_recall_score).
                for: 5m - the figure changes only when the live generation is replaced; a generation replaced again
                within minutes (a deploy its own verification rolls back, a restore undone at once) need not page.""".formatted(min));
    }

    /** One alert rule; {@code forDuration} null for none, {@code why} becomes the comment above its expression. */
    private record Rule(String alert, String expr, String forDuration, String severity, String summary, String why) {
        void appendTo(StringBuilder out) {
            out.append("      - alert: ").append(alert).append('\n');
            why.lines().forEach(l -> out.append("        # ").append(l).append('\n'));
            out.append("        expr: |\n");
            expr.lines().forEach(l -> out.append("          ").append(l).append('\n'));
            if (forDuration != null) out.append("        for: ").append(forDuration).append('\n');
            out.append("        labels: {severity: ").append(severity).append("}\n");
            out.append("        annotations:\n          summary: \"").append(summary).append("\"\n");
        }
    }

    /** The shortest decimal of a config value: 240 not 240.0, and, with exact decimal arithmetic, 1 - 0.8 = 0.2. */
    private static String num(double d) {
        return num(BigDecimal.valueOf(d));
    }

    private static String num(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    private static String humanMinutes(double minutes) {
        return minutes % 60 == 0 ? plural((long) (minutes / 60), "hour") : num(minutes) + " minutes";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** A Prometheus duration in the largest unit that is exact: 4h, 90m, 150s, 500ms. */
    static String promDuration(double seconds) {
        long ms = BigDecimal.valueOf(seconds).movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (ms > 0 && ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms > 0 && ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms > 0 && ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
