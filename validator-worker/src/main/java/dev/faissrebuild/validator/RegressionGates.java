package dev.faissrebuild.validator;

import java.util.List;

/**
 * Regression: a candidate may not be worse than the live index of the same key, beyond tolerances.
 * Two gates, so each failure names its own figure: recall at most {@code max_recall_drop} below the
 * live index's (measured again now on the same queries when both come from the same embeddings, else
 * as recorded in the live manifest), and single-query p99 at most {@code max_latency_increase} above
 * the live index's, both timed in alternation. Skipped, and said so, when nothing is live.
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
     * The ceiling is +{@code maxIncrease} of the live p99, but never less than the live p99 + {@code slackMs}
     * (default 5 ms, 5 % of the 100 ms budget): at sub-millisecond latencies a 50 % change is within the
     * scheduler's jitter on a busy machine (measured: 0.16 ms against 2.4 ms p99 for two identical indices,
     * timed alternately, best of 3 rounds, while two builds ran on the same 2 cores) and says nothing about
     * the index or the budget.
     */
    static Gate latency(LatencyGate.Latency candidate, LatencyGate.Latency live, double maxIncrease, double slackMs) {
        double ceiling = Math.max(live.p99() * (1 + maxIncrease), live.p99() + slackMs);
        String detail = String.format("p99 %.3f ms against the live index's %.3f ms (timed alternately); at most +%.0f %% (and at least +%.2f ms) allowed",
                candidate.p99(), live.p99(), maxIncrease * 100, slackMs);
        return candidate.p99() <= ceiling ? Gate.passed(LATENCY, candidate.p99(), ceiling, detail) : Gate.failed(LATENCY, candidate.p99(), ceiling, detail);
    }
}
