package dev.faissrebuild.validator;

import java.util.Arrays;

/**
 * How many times the live index's time the candidate takes per query, and how many milliseconds more,
 * from paired timings: each query searched on both back to back (order alternating, so neither benefits
 * from going second), in each of {@link LatencyGate#ROUNDS} rounds.
 *
 * <p>Why this statistic and not the p99: on a busy machine the tail of single-query latency is the
 * scheduler's, not the index's (two identical flat indices measured p99 12.2 ms and 1-2 ms while a
 * build ran next door). Interference only ever adds time. What lasts (a build on the other core
 * slowing memory for both) falls on both members of a pair alike, as they are timed back to back;
 * what is brief (a preemption, a GC pause, another thread's timeslice) misses at least one of a
 * query's rounds on each index, as a rule. So, per query: each index's fastest round, and
 * log(candidate / live) of those. A median of paired ratios per round was tried first and is diluted
 * towards 1 when timeslices land on both members (a 2x candidate read 1.68x at load averages 4-9 on
 * 2 cores); the fastest round is not (1.999x or more in the same benchmark). Over queries: the median
 * of those log ratios, which ignores up to half the queries being disturbed anyway, with a lower
 * confidence bound from the sign test (distribution-free: it assumes only that the queries are
 * independent, not that the ratios are normal or symmetric, which interference breaks). The
 * milliseconds added are estimated the same way, from the differences, and not from the p99 of either
 * index: under load the p99 of an index's own cost cannot be told from the scheduler's tail, while a
 * median difference is as robust as a median ratio.
 *
 * @param pairs queries timed on both indices
 * @param median the median over queries of the candidate/live ratio of their fastest times
 * @param lowerBound the median ratio is at least this with {@link #CONFIDENCE}; 0 when there are too few
 *     queries to bound it (fewer than 10), so that no regression can be concluded from them
 * @param addedMs the median over queries of the candidate's fastest time minus the live index's
 * @param addedLowerBoundMs the median difference is at least this with {@link #CONFIDENCE}; -infinity
 *     with too few queries
 */
record Slowdown(int pairs, double median, double lowerBound, double addedMs, double addedLowerBoundMs) {
    /**
     * One-sided. A false alarm wakes someone up, a missed regression only costs latency the absolute
     * p99 gate still bounds, so the error that matters is the false alarm: from sampling alone at most
     * 1 in 1,000 for a candidate exactly at the threshold (an unchanged index sits at 1.0, far below).
     * Its price is small: with 300 queries the bound is the 123rd value (41st percentile), not the 150th.
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
        double[] c = fastest(candidate);
        double[] l = fastest(live);
        double[] logRatios = new double[c.length];
        double[] added = new double[c.length];
        Arrays.setAll(logRatios, q -> Math.log(c[q] / l[q]));
        Arrays.setAll(added, q -> c[q] - l[q]);
        Bounded ratio = Bounded.of(logRatios);
        Bounded ms = Bounded.of(added);
        return new Slowdown(c.length, Math.exp(ratio.median()), Math.exp(ratio.lower()), ms.median(), ms.lower());
    }

    /** Per query, its fastest round: the least disturbed. */
    private static double[] fastest(double[][] rounds) {
        double[] out = rounds[0].clone();
        for (double[] round : rounds) {
            for (int q = 0; q < out.length; q++) out[q] = Math.min(out[q], round[q]);
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
