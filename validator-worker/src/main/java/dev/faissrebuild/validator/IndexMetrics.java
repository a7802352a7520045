package dev.faissrebuild.validator;

import dev.faissrebuild.model.IndexKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed's index-quality metrics, labelled {@code horizon}, {@code index_type} and {@code set}
 * ({@code candidate}: the last staged index validated; {@code live}: the deployed one):
 * {@code faiss_index_recall_score}, {@code faiss_index_search_latency_ms} (p99 of single queries) and
 * {@code faiss_index_size_total} (vectors in the index).
 */
public final class IndexMetrics {
    public static final String CANDIDATE = "candidate";
    public static final String LIVE = "live";
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    public IndexMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records what validation measured on an index of {@code set}; figures that were not measured are left as they were. */
    public void record(String set, IndexKey key, Figures f, long ntotal) {
        if (f.recallAtK() != null) set("faiss_index_recall_score", "recall@k against exact search", set, key, f.recallAtK());
        if (f.latencyP99Ms() != null) set("faiss_index_search_latency_ms", "p99 latency of single-query search (ms)", set, key, f.latencyP99Ms());
        set("faiss_index_size_total", "Vectors in the index", set, key, (double) ntotal);
    }

    private void set(String name, String help, String set, IndexKey key, double value) {
        values.computeIfAbsent(name + "|" + set + "|" + key, id -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, ref, AtomicReference::get).description(help)
                    .tags(Tags.of("horizon", key.horizon().label(), "index_type", key.type().code(), "set", set))
                    .register(registry);
            return ref;
        }).set(value);
    }
}
