package dev.faissrebuild.validator;

/** What validation measured on a candidate; a figure is null when its gate did not run. */
public record Figures(int k, int queries, Double recallAtK, Double oneRecallAt1, Double latencyP50Ms, Double latencyP95Ms,
                      Double latencyP99Ms, Double batchLatencyP99Ms) {

    static Figures none(int k) {
        return new Figures(k, 0, null, null, null, null, null, null);
    }
}
