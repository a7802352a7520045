package dev.faissrebuild.vectors;

import java.util.Arrays;
import java.util.HashSet;
import java.util.SplittableRandom;

/** Seeded samples of row ids: training sets and validation queries are the same on every run. */
public final class RowSample {
    private RowSample() {}

    /** {@code k} distinct rows of {@code n}, in ascending order (Floyd's algorithm: O(k) time and memory). */
    public static long[] distinct(long n, int k, long seed) {
        if (k > n) throw new IllegalArgumentException("cannot draw " + k + " distinct rows from " + n);
        SplittableRandom random = new SplittableRandom(seed);
        HashSet<Long> chosen = new HashSet<>(k * 2);
        for (long j = n - k; j < n; j++) {
            long t = random.nextLong(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        long[] rows = chosen.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(rows);
        return rows;
    }
}
