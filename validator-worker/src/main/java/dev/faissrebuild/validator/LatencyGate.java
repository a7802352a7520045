package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.SearchLatency;
import java.util.Arrays;

/**
 * Latency: after a warm-up, each query timed alone (the forecasting service asks one at a time),
 * p50/p95/p99 against {@code max_latency_threshold_ms} on p99; and queries in batches of 32, per query.
 * Measured with one thread, as one request is served. When a live index is given, both are timed
 * query by query in alternation, so a busy moment (a build next door) weighs on both alike and the
 * regression gate compares like with like. The queries are timed in {@link #ROUNDS} rounds and each
 * figure is the best round's: interference only ever adds time, so the least disturbed round is the
 * best estimate of the index's own latency (a single p99 over 500 queries moved 3x between two
 * identical indices on a loaded 2-core machine).
 */
final class LatencyGate {
    static final String NAME = "latency";
    private static final int WARM_UP = 20;
    private static final int BATCH = 32;
    static final int ROUNDS = 3;

    private LatencyGate() {}

    record Latency(double p50, double p95, double p99, double batchP99) {}

    /** [candidate] or [candidate, live]. */
    static Latency[] measure(Probe p, Index live) {
        Index[] indices = live == null ? new Index[] {p.index()} : new Index[] {p.index(), live};
        int[] threads = Arrays.stream(indices).mapToInt(Index::threads).toArray();
        for (Index i : indices) i.threads(1);
        try {
            int k = p.settings().k();
            int n = Math.min(p.settings().latencyQueries(), p.nq());
            for (Index i : indices) {
                for (int q = 0; q < Math.min(WARM_UP, p.nq()); q++) i.search(p.query(q), 1, k);
            }
            Latency[] out = new Latency[indices.length];
            for (int round = 0; round < ROUNDS; round++) {
                Latency[] r = round(p, indices, n, k);
                for (int x = 0; x < indices.length; x++) out[x] = out[x] == null ? r[x] : best(out[x], r[x]);
            }
            return out;
        } finally {
            for (int x = 0; x < indices.length; x++) indices[x].threads(threads[x]);
        }
    }

    /** One round: every query alone, then the batches, each index in alternation. */
    private static Latency[] round(Probe p, Index[] indices, int n, int k) {
        double[][] single = new double[indices.length][n];
        for (int q = 0; q < n; q++) {
            for (int x = 0; x < indices.length; x++) single[x][q] = time(indices[x], p, q, 1, k);
        }
        int batches = Math.max(1, p.nq() / BATCH);
        double[][] perQuery = new double[indices.length][batches];
        for (int b = 0; b < batches; b++) {
            for (int x = 0; x < indices.length; x++) perQuery[x][b] = time(indices[x], p, b * BATCH, Math.min(BATCH, p.nq() - b * BATCH), k);
        }
        Latency[] out = new Latency[indices.length];
        for (int x = 0; x < indices.length; x++) {
            out[x] = new Latency(percentile(single[x], 50), percentile(single[x], 95), percentile(single[x], 99), percentile(perQuery[x], 99));
        }
        return out;
    }

    private static Latency best(Latency a, Latency b) {
        return new Latency(Math.min(a.p50(), b.p50()), Math.min(a.p95(), b.p95()), Math.min(a.p99(), b.p99()), Math.min(a.batchP99(), b.batchP99()));
    }

    private static double time(Index index, Probe p, int first, int count, int k) {
        return SearchLatency.time(index, p.queries(), p.dim(), first, count, k);
    }

    static Gate check(Latency l, double maxP99Ms) {
        String detail = String.format("p50 %.3f ms, p95 %.3f ms, p99 %.3f ms per single query (batch of %d: p99 %.3f ms per query; best of %d rounds); p99 limit %.1f ms",
                l.p50(), l.p95(), l.p99(), BATCH, l.batchP99(), ROUNDS, maxP99Ms);
        return l.p99() <= maxP99Ms ? Gate.passed(NAME, l.p99(), maxP99Ms, detail) : Gate.failed(NAME, l.p99(), maxP99Ms, detail);
    }

    static double percentile(double[] values, double pct) {
        return SearchLatency.percentile(values, pct);
    }
}
