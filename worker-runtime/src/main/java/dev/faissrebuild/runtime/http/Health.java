package dev.faissrebuild.runtime.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The health of one process, in the seed's JSON shape: {@code status} (healthy | warning | critical),
 * {@code timestamp}, {@code component}, {@code active_alerts}, {@code alert_counts}, plus the checks it was
 * derived from. A failing check is critical; active alerts count with their own severity.
 */
public final class Health {
    private final String component;
    private final Map<String, Supplier<Check>> checks = new ConcurrentHashMap<>();
    private volatile Supplier<List<ActiveAlert>> alerts = List::of;

    public Health(String component) {
        this.component = component;
    }

    /** One named check: up or not, and why. */
    public record Check(boolean up, String detail) {
        public static Check up(String detail) {
            return new Check(true, detail);
        }

        public static Check down(String detail) {
            return new Check(false, detail);
        }
    }

    /** An alert that is firing now. */
    public record ActiveAlert(String name, String severity, String summary, Instant since) {}

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
        Map<String, Check> results = new java.util.TreeMap<>();
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
        boolean down = results.values().stream().anyMatch(c -> !c.up());
        String status = down || critical > 0 ? "critical" : warning > 0 ? "warning" : "healthy";
        return new Report(status, Instant.now(), component, active, new AlertCounts(critical, warning, active.size()), results);
    }
}
