package dev.faissrebuild.faiss;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Times searches the way the service issues them: one query per call, or small batches; milliseconds per query. */
public final class SearchLatency {
    private SearchLatency() {}

    /** Milliseconds per query of searching {@code count} queries from row {@code first} of {@code queries} in one call. */
    public static double time(Index index, MemorySegment queries, int dim, int first, int count, int k) {
        long bytes = (long) dim * Float.BYTES;
        long t = System.nanoTime();
        index.search(queries.asSlice(first * bytes, count * bytes), count, k);
        return (System.nanoTime() - t) / 1e6 / count;
    }

    /** Each of the first {@code n} queries timed alone, after {@code warmUp} untimed ones. */
    public static double[] singleQueries(Index index, MemorySegment queries, int dim, int n, int k, int warmUp) {
        for (int i = 0; i < warmUp; i++) time(index, queries, dim, i % n, 1, k);
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) ms[i] = time(index, queries, dim, i, 1, k);
        return ms;
    }

    /** Nearest-rank percentile. */
    public static double percentile(double[] values, double pct) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(pct / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
