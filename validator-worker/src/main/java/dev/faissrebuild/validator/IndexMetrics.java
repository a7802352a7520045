package dev.faissrebuild.validator;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.http.TextGauges;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The seed's index-quality metrics, labelled {@code horizon}, {@code index_type} and {@code set}, every
 * series present from start-up (NaN until a value exists):
 * {@code faiss_index_recall_score} (recall@k against exact search, for queries not in the index: the recall gate's figure), {@code faiss_index_search_latency_ms}
 * (p99 of single queries) and {@code faiss_index_size_total} (vectors). {@code set="candidate"}: the
 * last staged index this validator judged. {@code set="live"}: the deployed index, read from the live
 * generation's manifest at scrape time, so it is right after a restart and right after a deploy.
 * {@code faiss_index_size_total} keeps the seed's name through {@link TextGauges} (Micrometer would
 * export a gauge of that name as {@code faiss_index_size}).
 */
public final class IndexMetrics {
    private static final String RECALL = "faiss_index_recall_score";
    private static final String LATENCY = "faiss_index_search_latency_ms";
    private static final String SIZE = "faiss_index_size_total";
    private final MeterRegistry registry;
    private final TextGauges text;
    private final Map<String, AtomicReference<Double>> candidate = new ConcurrentHashMap<>();

    /** Registers the candidate series of every configured index at NaN. */
    public IndexMetrics(MeterRegistry registry, TextGauges text, List<IndexKey> keys) {
        this.registry = registry;
        this.text = text;
        for (IndexKey key : keys) {
            for (String name : List.of(RECALL, LATENCY, SIZE)) candidateGauge(name, key);
        }
    }

    /** Records what validation measured on a candidate; figures that were not measured are left as they were. */
    void candidate(IndexKey key, Figures f, long ntotal) {
        if (f.recallAtK() != null) candidateGauge(RECALL, key).set(f.recallAtK());
        if (f.latencyP99Ms() != null) candidateGauge(LATENCY, key).set(f.latencyP99Ms());
        candidateGauge(SIZE, key).set((double) ntotal);
    }

    /** Exposes the live generation's figures for every configured index. */
    public void bindLive(IndicesLayout layout, List<IndexKey> keys) {
        LiveManifest live = new LiveManifest(layout);
        for (IndexKey key : keys) {
            liveGauge(RECALL, key, live, e -> e.recallAtK() == null ? Double.NaN : e.recallAtK());
            liveGauge(LATENCY, key, live, e -> e.latencyP99Ms() == null ? Double.NaN : e.latencyP99Ms());
            liveGauge(SIZE, key, live, e -> e.ntotal());
        }
    }

    private AtomicReference<Double> candidateGauge(String name, IndexKey key) {
        return candidate.computeIfAbsent(name + "|" + key, id -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            if (name.equals(SIZE)) text.register(SIZE, help(SIZE), labels(key, "candidate"), ref::get);
            else Gauge.builder(name, ref, AtomicReference::get).description(help(name)).tags(tags(key, "candidate")).register(registry);
            return ref;
        });
    }

    private void liveGauge(String name, IndexKey key, LiveManifest live, ToDoubleFunction<GenerationManifest.Entry> value) {
        if (name.equals(SIZE)) {
            text.register(SIZE, help(SIZE), labels(key, "live"), () -> live.entry(key).map(value::applyAsDouble).orElse(Double.NaN));
            return;
        }
        // strongly referenced: Micrometer holds gauge state weakly, and nothing else keeps the manifest reader alive
        Gauge.builder(name, live, m -> m.entry(key).map(value::applyAsDouble).orElse(Double.NaN)).strongReference(true)
                .description(help(name)).tags(tags(key, "live")).register(registry);
    }

    private static Map<String, String> labels(IndexKey key, String set) {
        return Map.of("horizon", key.horizon().label(), "index_type", key.type().code(), "set", set);
    }

    private static Tags tags(IndexKey key, String set) {
        return Tags.of("horizon", key.horizon().label(), "index_type", key.type().code(), "set", set);
    }

    private static String help(String name) {
        return switch (name) {
            case RECALL -> "recall@k against exact search";
            case LATENCY -> "p99 latency of single-query search (ms)";
            default -> "Vectors in the index";
        };
    }

    /** The live manifest, re-read at most every few seconds (a scrape reads every gauge). */
    private static final class LiveManifest {
        private final IndicesLayout layout;
        private volatile Optional<GenerationManifest> cached = Optional.empty();
        private volatile long readAt;

        LiveManifest(IndicesLayout layout) {
            this.layout = layout;
        }

        Optional<GenerationManifest.Entry> entry(IndexKey key) {
            long now = System.nanoTime();
            if (now - readAt > 5_000_000_000L || readAt == 0) {
                try {
                    cached = layout.liveManifest();
                } catch (RuntimeException e) {
                    cached = Optional.empty();
                }
                readAt = now;
            }
            return cached.flatMap(m -> m.entry(key.toString()));
        }
    }
}
