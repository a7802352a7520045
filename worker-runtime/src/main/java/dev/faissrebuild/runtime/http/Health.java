package dev.faissrebuild.runtime.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The health of one process, in the seed's JSON shape: {@code status} (healthy | warning | critical),
 * {@code timestamp}, {@code component}, {@code active_alerts}, {@code alert_counts}, plus the checks it was
 * derived from. The status is the worst of the checks (a check that is down is critical, one that warns
 * is a warning) and of the active alerts' severities.
 */
public final class Health {
    private final String component;
    private final Map<String, Supplier<Check>> checks = new ConcurrentHashMap<>();
    private volatile Supplier<List<ActiveAlert>> alerts = List::of;

    public Health(String component) {
        this.component = component;
    }

    /** How a check came out: up, up but not as it should be (warning), or down (critical). */
    public enum Level { UP, WARNING, DOWN }

    /** One named check and why it came out so. */
    public record Check(Level level, String detail) {
        public static Check up(String detail) {
            return new Check(Level.UP, detail);
        }

        public static Check warning(String detail) {
            return new Check(Level.WARNING, detail);
        }

        public static Check down(String detail) {
            return new Check(Level.DOWN, detail);
        }

        public boolean up() {
            return level != Level.DOWN;
        }
    }

    /**
     * An alert that is firing now.
     *
     * @param labels what tells apart alerts of one rule (e.g. the index of FAISSIndexLowRecall)
     */
    public record ActiveAlert(String name, String severity, String summary, Instant since, Map<String, String> labels) {
        public ActiveAlert {
            labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
        }

        public ActiveAlert(String name, String severity, String summary, Instant since) {
            this(name, severity, summary, since, Map.of());
        }

        /** The rule and its labels: one firing episode per identity. */
        public String identity() {
            return labels.isEmpty() ? name : name + new TreeMap<>(labels);
        }
    }

    public record AlertCounts(int critical, int warning, int total) {}

    public record Report(String status, Instant timestamp, String component, List<ActiveAlert> activeAlerts,
                         AlertCounts alertCounts, Map<String, Check> checks) {}

    public Health check(String name, Supplier<Check> check) {
        checks.put(name, check);
        return this;
    }

    public Health alerts(Supplier<List<ActiveAlert>> source) {
        this.alerts = source;
        return this;
    }

    public Report report() {
        Map<String, Check> results = new TreeMap<>();
        checks.forEach((name, c) -> {
            try {
                results.put(name, c.get());
            } catch (RuntimeException e) {
                results.put(name, Check.down(e.toString()));
            }
        });
        List<ActiveAlert> active = alerts.get();
        int critical = (int) active.stream().filter(a -> a.severity().equalsIgnoreCase("critical")).count();
        int warning = (int) active.stream().filter(a -> a.severity().equalsIgnoreCase("warning")).count();
        boolean down = results.values().stream().anyMatch(c -> c.level() == Level.DOWN);
        boolean warns = results.values().stream().anyMatch(c -> c.level() == Level.WARNING);
        String status = down || critical > 0 ? "critical" : warns || warning > 0 ? "warning" : "healthy";
        return new Report(status, Instant.now(), component, active, new AlertCounts(critical, warning, active.size()), results);
    }
}
