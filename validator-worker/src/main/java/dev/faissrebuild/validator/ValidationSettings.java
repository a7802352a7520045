package dev.faissrebuild.validator;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;

/**
 * Thresholds and sizes of validation (config section {@code validation}).
 *
 * @param sampleSize queries drawn (seeded) from the embeddings for recall and latency
 * @param latencyQueries single queries timed one by one for the latency percentiles
 */
public record ValidationSettings(int k, int sampleSize, double minRecall, double maxLatencyP99Ms, int latencyQueries,
                                 int threads, long seed) {

    public static ValidationSettings from(FaissRebuildConfig.Validation v, int threads) {
        return new ValidationSettings(v.recallK(), v.validationSampleSize(), v.minRecallThreshold(), v.maxLatencyThresholdMs(),
                Math.min(v.validationSampleSize(), 500), threads, 20241105L);
    }
}
