package dev.faissrebuild.runtime.http;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * Gauges written straight into the Prometheus text format, for the seed's names that Micrometer cannot
 * export: the seed calls the index-size gauge {@code faiss_index_size_total}, and Micrometer strips
 * {@code _total} from gauges (client_java 1.x refuses the name outright), while the text format
 * (version 0.0.4, what {@code /metrics} serves) allows it. Appended to the registry's scrape.
 */
public final class TextGauges {
    private final Map<String, Family> families = new TreeMap<>();

    private record Series(Map<String, String> labels, DoubleSupplier value) {}

    private record Family(String help, List<Series> series) {}

    /** Adds one series of gauge {@code name}; the supplier is read at every scrape (NaN where no value exists). */
    public synchronized void register(String name, String help, Map<String, String> labels, DoubleSupplier value) {
        families.computeIfAbsent(name, n -> new Family(help, new CopyOnWriteArrayList<>())).series().add(new Series(new TreeMap<>(labels), value));
    }

    public synchronized String render() {
        StringBuilder sb = new StringBuilder();
        families.forEach((name, f) -> {
            sb.append("# HELP ").append(name).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            sb.append("# TYPE ").append(name).append(" gauge\n");
            for (Series s : f.series()) sb.append(name).append(labels(s.labels())).append(' ').append(value(s.value())).append('\n');
        });
        return sb.toString();
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("{");
        labels.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append("=\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"'));
        return sb.append('}').toString();
    }

    private static String value(DoubleSupplier s) {
        double v;
        try {
            v = s.getAsDouble();
        } catch (RuntimeException e) {
            v = Double.NaN;
        }
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        return Double.toString(v);
    }
}
