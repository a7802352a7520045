package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.SearchLatency;
import java.util.Arrays;

/**
 * Latency: after a warm-up, each query timed alone (the forecasting service asks one at a time),
 * p50/p95/p99 against {@code max_latency_threshold_ms} on p99; and queries in batches of 32, per query.
 * Measured with one thread, as one request is served. The queries are timed in {@link #ROUNDS} rounds
 * and each percentile is the best round's: interference only ever adds time, so the least disturbed
 * round is the best estimate of the index's own latency.
 *
 * <p>When a live index is given, every query is searched on both back to back, the order alternating
 * from query to query and round to round, so that a busy moment weighs on both members of a pair alike
 * and neither gains from going second (warm caches); the paired times give the {@link Slowdown} the
 * regression gate decides on.
 */
final class LatencyGate {
    static final String NAME = "latency";
    private static final int WARM_UP = 20;
    private static final int BATCH = 32;
    static final int ROUNDS = 3;

    private LatencyGate() {}

    record Latency(double p50, double p95, double p99, double batchP99) {}

    /** What {@link #measure} found; {@code live} and {@code slowdown} are null when there is no live index. */
    record Timing(Latency candidate, Latency live, Slowdown slowdown) {}

    /** The single-query times of one round, [index][query], and the batch p99 per index. */
    private record Round(double[][] single, double[] batchP99) {}

    static Timing measure(Probe p, Index live) {
        Index[] indices = live == null ? new Index[] {p.index()} : new Index[] {p.index(), live};
        int[] threads = Arrays.stream(indices).mapToInt(Index::threads).toArray();
        for (Index i : indices) i.threads(1);
        try {
            int k = p.settings().k();
            for (int q = 0; q < Math.min(WARM_UP, p.nq()); q++) {
                for (int x = 0; x < indices.length; x++) indices[(q + x) % indices.length].search(p.query(q), 1, k);
            }
            Round[] rounds = new Round[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) rounds[r] = round(p, indices, Math.min(p.settings().latencyQueries(), p.nq()), k, r);
            if (live == null) return new Timing(best(rounds, 0), null, null);
            return new Timing(best(rounds, 0), best(rounds, 1), Slowdown.of(times(rounds, 0), times(rounds, 1)));
        } finally {
            for (int x = 0; x < indices.length; x++) indices[x].threads(threads[x]);
        }
    }

    /** Every query alone, then the batches, each pair in the order (q + round) selects. */
    private static Round round(Probe p, Index[] indices, int n, int k, int round) {
        int m = indices.length;
        double[][] single = new double[m][n];
        for (int q = 0; q < n; q++) {
            for (int j = 0; j < m; j++) {
                int x = (q + round + j) % m;
                single[x][q] = time(indices[x], p, q, 1, k);
            }
        }
        int batches = Math.max(1, p.nq() / BATCH);
        double[][] perQuery = new double[m][batches];
        for (int b = 0; b < batches; b++) {
            for (int j = 0; j < m; j++) {
                int x = (b + round + j) % m;
                perQuery[x][b] = time(indices[x], p, b * BATCH, Math.min(BATCH, p.nq() - b * BATCH), k);
            }
        }
        return new Round(single, Arrays.stream(perQuery).mapToDouble(t -> percentile(t, 99)).toArray());
    }

    /** Each percentile of index {@code x}: the lowest over the rounds. */
    private static Latency best(Round[] rounds, int x) {
        double p50 = Double.MAX_VALUE, p95 = Double.MAX_VALUE, p99 = Double.MAX_VALUE, batch = Double.MAX_VALUE;
        for (Round r : rounds) {
            p50 = Math.min(p50, percentile(r.single()[x], 50));
            p95 = Math.min(p95, percentile(r.single()[x], 95));
            p99 = Math.min(p99, percentile(r.single()[x], 99));
            batch = Math.min(batch, r.batchP99()[x]);
        }
        return new Latency(p50, p95, p99, batch);
    }

    /** [round][query] milliseconds of index {@code x}. */
    private static double[][] times(Round[] rounds, int x) {
        return Arrays.stream(rounds).map(r -> r.single()[x]).toArray(double[][]::new);
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
