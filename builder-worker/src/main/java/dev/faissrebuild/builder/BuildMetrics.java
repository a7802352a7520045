package dev.faissrebuild.builder;

import dev.faissrebuild.runtime.child.ResourceUsage;
import dev.faissrebuild.model.IndexKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed's resource metrics, per index, as the last build of that index used them (measured by the
 * build's own child process, so two builds running at once never blur each other):
 * {@code faiss_rebuild_memory_peak_bytes{horizon,index_type}} (resident high-water mark, FAISS's native
 * memory included) and {@code faiss_rebuild_cpu_avg_percent{horizon,index_type}} (CPU over wall time, in
 * percent of all cores). NaN until this process has built that index.
 */
public final class BuildMetrics {
    private final Map<IndexKey, AtomicReference<Double>> peakBytes = new ConcurrentHashMap<>();
    private final Map<IndexKey, AtomicReference<Double>> cpuPercent = new ConcurrentHashMap<>();
    private final int cores = Runtime.getRuntime().availableProcessors();

    public BuildMetrics(MeterRegistry registry, List<IndexKey> keys) {
        for (IndexKey key : keys) {
            register(registry, "faiss_rebuild_memory_peak_bytes", "Peak resident memory of the last build of this index (bytes)", key, peakBytes);
            register(registry, "faiss_rebuild_cpu_avg_percent", "Average CPU of the last build of this index, percent of all cores", key, cpuPercent);
        }
    }

    /** What one build of {@code key} used; an unknown peak (the build process died) leaves NaN. */
    void record(IndexKey key, ResourceUsage usage) {
        set(peakBytes, key, usage.peakRssBytes() < 0 ? Double.NaN : usage.peakRssBytes());
        set(cpuPercent, key, usage.cpuSeconds() > 0 ? usage.cpuPercentOf(cores) : Double.NaN);
    }

    private static void set(Map<IndexKey, AtomicReference<Double>> gauges, IndexKey key, double value) {
        AtomicReference<Double> ref = gauges.get(key);
        if (ref != null) ref.set(value);
    }

    private static void register(MeterRegistry registry, String name, String help, IndexKey key, Map<IndexKey, AtomicReference<Double>> into) {
        AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
        into.put(key, ref);
        Gauge.builder(name, ref, AtomicReference::get).description(help)
                .tag("horizon", key.horizon().label()).tag("index_type", key.type().code()).register(registry);
    }
}
