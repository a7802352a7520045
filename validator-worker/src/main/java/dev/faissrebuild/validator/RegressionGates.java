package dev.faissrebuild.validator;

import java.util.List;

/**
 * Regression: a candidate may not be worse than the live index of the same key, beyond tolerances.
 * Two gates, so each failure names its own figure: recall at most {@code max_recall_drop} below the
 * live index's (measured again now on the same queries when both come from the same embeddings, else
 * as recorded in the live manifest), and per-query time at most {@code max_latency_increase} above the
 * live index's, from paired timings (see {@link #latency}). Skipped, and said so, when nothing is live.
 */
final class RegressionGates {
    static final String RECALL = "regression_recall";
    static final String LATENCY = "regression_latency";

    private RegressionGates() {}

    static List<Gate> skipped(String why) {
        return List.of(Gate.skipped(RECALL, why), Gate.skipped(LATENCY, why));
    }

    static Gate recall(double candidate, Double live, String liveSource, double maxDrop) {
        if (live == null) return Gate.skipped(RECALL, "the live index has no recorded recall to compare with");
        double floor = live - maxDrop;
        String detail = String.format("recall %.4f against the live index's %.4f (%s); at most %.4f lower allowed", candidate, live, liveSource, maxDrop);
        return candidate >= floor - 1e-12 ? Gate.passed(RECALL, candidate, floor, detail) : Gate.failed(RECALL, candidate, floor, detail);
    }

    /**
     * A regression only when, with {@link Slowdown#CONFIDENCE}, the candidate's typical query is both more
     * than {@code maxIncrease} slower (the lower bound of the median paired ratio above 1 + maxIncrease)
     * AND more than {@code slackMs} slower (the lower bound of the median paired difference): a real but
     * small change (0.2 ms to 0.4 ms) is no regression against a 100 ms budget. The old rule compared the
     * two measured p99s, and on a busy machine the p99 is the scheduler's tail, so it rejected unchanged
     * indices at random; the paired medians stay at 1x and +0 ms for them (see {@link Slowdown}). The p99
     * budget itself is the latency gate's.
     */
    static Gate latency(LatencyGate.Timing t, double maxIncrease, double slackMs) {
        Slowdown s = t.slowdown();
        double ceiling = 1 + maxIncrease;
        boolean regression = s.lowerBound() > ceiling && s.addedLowerBoundMs() > slackMs;
        String detail = String.format("per query the candidate takes %.2fx the live index's time, %+.3f ms (medians of %d queries, each timed on both"
                        + " back to back, order alternating; at least %.2fx and %+.3f ms with %.1f %% confidence); a regression is more than %.2fx"
                        + " (+%.0f %%) and more than +%.2f ms; measured p99 %.3f ms against the live %.3f ms",
                s.median(), s.addedMs(), s.pairs(), s.lowerBound(), s.addedLowerBoundMs(), Slowdown.CONFIDENCE * 100, ceiling, maxIncrease * 100,
                slackMs, t.candidate().p99(), t.live().p99());
        return regression ? Gate.failed(LATENCY, s.lowerBound(), ceiling, detail) : Gate.passed(LATENCY, s.lowerBound(), ceiling, detail);
    }
}
