package dev.faissrebuild.validator;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/**
 * How many times the live index's time the candidate takes per query, and how many milliseconds more,
 * from paired timings: each query searched on both back to back (order alternating, so neither benefits
 * from going second), in {@link LatencyGate#ROUNDS} rounds.
 *
 * <p>Why this statistic and not the p99: on a busy machine the tail of single-query latency is the
 * scheduler's, not the index's (two identical flat indices measured p99 12.2 ms and 1-2 ms while a
 * build ran next door). Interference either hits both members of a pair alike (a build on the other
 * core slowing memory for both) and cancels in their ratio, or hits one member (a preemption, a GC
 * pause) and makes that pair an outlier, which the median ignores as long as fewer than half the pairs
 * are hit. So: per query, the median over rounds of log(candidate / live); over queries, their median,
 * with a lower confidence bound from the sign test (distribution-free: it assumes only that the
 * queries are independent, not that the ratios are normal or symmetric, which interference breaks).
 * The milliseconds added are estimated the same way, from the paired differences, and not from the p99
 * of either index: the p99 of the index's own cost cannot be told from the scheduler's under load
 * (the p99 of each query's fastest of 3 rounds still read 13.8 ms for a 2.4 ms flat index at load
 * average 7 on 2 cores), while the median difference is as robust as the median ratio.
 *
 * @param pairs queries timed on both indices
 * @param median the median over queries of the candidate/live time ratio
 * @param lowerBound the median ratio is at least this with {@link #CONFIDENCE}; 0 when there are too few
 *     queries to bound it (fewer than 10), so that no regression can be concluded from them
 * @param addedMs the median over queries of the candidate's time minus the live index's
 * @param addedLowerBoundMs the median difference is at least this with {@link #CONFIDENCE}; -infinity
 *     with too few queries
 */
record Slowdown(int pairs, double median, double lowerBound, double addedMs, double addedLowerBoundMs) {
    /**
     * One-sided. A false alarm wakes someone up, a missed regression only costs latency the absolute
     * p99 gate still bounds, so the error that matters is the false alarm: at most 1 in 1,000 rebuilds from
     * sampling alone. Its price is small: with 300 queries the bound is the ~41st percentile of the
     * per-query figures instead of the 50th.
     */
    static final double CONFIDENCE = 0.999;

    /** A median over queries and its lower confidence bound. */
    private record Bounded(double median, double lower) {
        static Bounded of(double[] perQuery) {
            double[] sorted = perQuery.clone();
            Arrays.sort(sorted);
            int k = lowerRank(sorted.length, 1 - CONFIDENCE);
            return new Bounded(Slowdown.median(sorted), k == 0 ? Double.NEGATIVE_INFINITY : sorted[k - 1]);
        }
    }

    /** @param candidate milliseconds per [round][query]; {@code live} likewise, each pair timed back to back */
    static Slowdown of(double[][] candidate, double[][] live) {
        Bounded ratio = Bounded.of(perQuery(candidate, live, (c, l) -> Math.log(c / l)));
        Bounded added = Bounded.of(perQuery(candidate, live, (c, l) -> c - l));
        return new Slowdown(candidate[0].length, Math.exp(ratio.median()), Math.exp(ratio.lower()), added.median(), added.lower());
    }

    /** Per query, the median over rounds of {@code pair(candidate, live)}: a round hit by interference does not count. */
    private static double[] perQuery(double[][] candidate, double[][] live, DoubleBinaryOperator pair) {
        double[] out = new double[candidate[0].length];
        double[] rounds = new double[candidate.length];
        for (int q = 0; q < out.length; q++) {
            for (int r = 0; r < rounds.length; r++) rounds[r] = pair.applyAsDouble(candidate[r][q], live[r][q]);
            out[q] = median(rounds);
        }
        return out;
    }

    /**
     * The sign test inverted: the largest k with P(Binomial(n, 1/2) &le; k - 1) &le; alpha, so that the
     * k-th smallest of n independent values lies below their median with probability &ge; 1 - alpha;
     * 0 when even the smallest does not (n &lt; 10 for alpha = 0.001).
     */
    static int lowerRank(int n, double alpha) {
        double logPmf = -n * Math.log(2);
        double cdf = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            cdf += Math.exp(logPmf);  // P(X <= i)
            if (cdf > alpha) break;
            k = i + 1;
            logPmf += Math.log((double) (n - i) / (i + 1));
        }
        return k;
    }

    /** Of sorted or unsorted values; sorts a copy. */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
