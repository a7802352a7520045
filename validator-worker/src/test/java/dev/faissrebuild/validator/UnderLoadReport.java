package dev.faissrebuild.validator;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What {@link LatencyUnderLoadTest} measured, as the README reports it: per candidate, the paired
 * ratios and p99s over the runs and how often each rule rejected, the new one and the old p99 rule, each with
 * no slack and with the default 5 ms.
 *
 * @param same the unchanged index's timings against the live one, one per run
 * @param twice the 2x candidate's, one every {@code slowEvery} runs
 * @param quiet the 2x candidate timed once before the load started: its slowdown without our load
 * @param cores CPU the concurrent training got, in cores (1.0 = one core all along)
 */
record UnderLoadReport(int rows, int dim, List<LatencyGate.Timing> same, List<LatencyGate.Timing> twice, LatencyGate.Timing quiet, double cores,
                       String loadBefore, String loadAfter, double seconds) {
    static final double INCREASE = 0.5;
    static final double DEFAULT_SLACK_MS = 5;

    @FunctionalInterface
    interface Rule {
        boolean rejects(LatencyGate.Timing t, double slackMs);
    }

    /** The gate as it is now (paired ratios), with the default 50 % increase. */
    static boolean rejects(LatencyGate.Timing t, double slackMs) {
        return RegressionGates.latency(t, INCREASE, slackMs).failed();
    }

    /** The rule before: best-of-rounds p99 above both live p99 x 1.5 and live p99 + slack. */
    static boolean oldRuleRejects(LatencyGate.Timing t, double slackMs) {
        double live = t.live().p99();
        return t.candidate().p99() > Math.max(live * (1 + INCREASE), live + slackMs);
    }

    static long count(List<LatencyGate.Timing> timings, double slackMs, Rule rule) {
        return timings.stream().filter(t -> rule.rejects(t, slackMs)).count();
    }

    String text() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("latency regression gate under load: live flat %d x %d against itself and against a flat index over %d x %d;"
                + " %d queries x %d rounds per validation; %d + %d validations in %.0f s%n", rows, dim, 2 * rows, dim, LatencyUnderLoadTest.QUERIES,
                LatencyGate.ROUNDS, same.size(), twice.size(), seconds));
        s.append(String.format("concurrent FAISS k-means training on %d thread(s): %.2f cores on average; load averages (1/5/15 min) before %s, after %s%n",
                LatencyUnderLoadTest.LOAD_THREADS, cores, loadBefore, loadAfter));
        s.append(String.format("before the load: 2x candidate per-query median ratio %.2f, p99 %.3f ms against %.3f ms%n", quiet.slowdown().median(),
                quiet.candidate().p99(), quiet.live().p99()));
        s.append("| candidate | median ratio min / median / max | its 99.9 % bound min / max | median added ms min / median / max | its bound min / max"
                + " | candidate p99 ms min / max | live p99 ms min / max | new rule rejects, slack 0 / 5 ms | old rule rejects, slack 0 / 5 ms |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        row(s, "unchanged", same);
        row(s, "2x vectors", twice);
        return s.toString();
    }

    private static void row(StringBuilder s, String name, List<LatencyGate.Timing> timings) {
        s.append("| ").append(name).append(" | ").append(range(timings, t -> t.slowdown().median(), true))
                .append(" | ").append(range(timings, t -> t.slowdown().lowerBound(), false))
                .append(" | ").append(range(timings, t -> t.slowdown().addedMs(), true))
                .append(" | ").append(range(timings, t -> t.slowdown().addedLowerBoundMs(), false))
                .append(" | ").append(range(timings, t -> t.candidate().p99(), false))
                .append(" | ").append(range(timings, t -> t.live().p99(), false));
        s.append(String.format(" | %d / %d of %d | %d / %d of %d |%n", count(timings, 0, UnderLoadReport::rejects),
                count(timings, DEFAULT_SLACK_MS, UnderLoadReport::rejects), timings.size(), count(timings, 0, UnderLoadReport::oldRuleRejects),
                count(timings, DEFAULT_SLACK_MS, UnderLoadReport::oldRuleRejects), timings.size()));
    }

    /** "min / max" of a figure over the timings, or "min / median / max". */
    private static String range(List<LatencyGate.Timing> timings, ToDoubleFunction<LatencyGate.Timing> figure, boolean withMedian) {
        double[] v = timings.stream().mapToDouble(figure).sorted().toArray();
        return withMedian ? String.format("%.3f / %.3f / %.3f", v[0], v[v.length / 2], v[v.length - 1])
                : String.format("%.3f / %.3f", v[0], v[v.length - 1]);
    }
}
