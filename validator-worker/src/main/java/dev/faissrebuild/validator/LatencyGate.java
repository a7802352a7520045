package dev.faissrebuild.validator;

import java.util.Arrays;

/**
 * Latency: after a warm-up, each query timed alone (as the forecasting service asks one at a time),
 * p50/p95/p99 against {@code max_latency_threshold_ms} on p99; and queries in batches of 32, per query.
 * Measured with one thread, as one request is served.
 */
final class LatencyGate {
    static final String NAME = "latency";
    private static final int WARM_UP = 20;
    private static final int BATCH = 32;

    private LatencyGate() {}

    record Latency(double p50, double p95, double p99, double batchP99) {}

    static Latency measure(Probe p) {
        int threads = p.index().threads();
        p.index().threads(1);
        try {
            int k = p.settings().k();
            int n = Math.min(p.settings().latencyQueries(), p.nq());
            for (int i = 0; i < Math.min(WARM_UP, p.nq()); i++) p.index().search(p.query(i), 1, k);
            double[] single = new double[n];
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                p.index().search(p.query(i), 1, k);
                single[i] = (System.nanoTime() - t) / 1e6;
            }
            int batches = Math.max(1, p.nq() / BATCH);
            double[] perQuery = new double[batches];
            long bytes = (long) BATCH * p.dim() * Float.BYTES;
            for (int b = 0; b < batches; b++) {
                int size = Math.min(BATCH, p.nq() - b * BATCH);
                long t = System.nanoTime();
                p.index().search(p.queries().asSlice(b * bytes, (long) size * p.dim() * Float.BYTES), size, k);
                perQuery[b] = (System.nanoTime() - t) / 1e6 / size;
            }
            return new Latency(percentile(single, 50), percentile(single, 95), percentile(single, 99), percentile(perQuery, 99));
        } finally {
            p.index().threads(threads);
        }
    }

    static Gate check(Latency l, double maxP99Ms) {
        String detail = String.format("p50 %.3f ms, p95 %.3f ms, p99 %.3f ms per single query (batch of %d: p99 %.3f ms per query); p99 limit %.1f ms",
                l.p50(), l.p95(), l.p99(), BATCH, l.batchP99(), maxP99Ms);
        return l.p99() <= maxP99Ms ? Gate.passed(NAME, l.p99(), maxP99Ms, detail) : Gate.failed(NAME, l.p99(), maxP99Ms, detail);
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double pct) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(pct / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
