package dev.faissrebuild.validator;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.nio.file.Path;

/**
 * Thresholds and sizes of validation (config section {@code validation}).
 *
 * @param sampleSize queries drawn (seeded) from the embeddings for recall and latency
 * @param latencyQueries single queries timed one by one for the latency percentiles
 * @param latencySlackMs a p99 increase smaller than this is never a regression (sub-millisecond jitter)
 * @param queriesFile a held-out query file ({@code validation.queries_file}), or null to sample the embeddings
 */
public record ValidationSettings(int k, int sampleSize, double minRecall, double maxLatencyP99Ms, int latencyQueries,
                                 int threads, long seed, double maxRecallDrop, double maxLatencyIncrease, double latencySlackMs,
                                 Path queriesFile) {

    /** @param dataDir where a relative {@code queries_file} is found */
    public static ValidationSettings from(FaissRebuildConfig.Validation v, int threads, Path dataDir) {
        return new ValidationSettings(v.recallK(), v.validationSampleSize(), v.minRecallThreshold(), v.maxLatencyThresholdMs(),
                Math.min(v.validationSampleSize(), 300), threads, 20241105L, v.maxRecallDrop(), v.maxLatencyIncrease(),
                v.latencyRegressionSlackMs(),
                v.queriesFile() == null || v.queriesFile().isBlank() ? null : dataDir.resolve(v.queriesFile()));
    }

    public ValidationSettings withQueriesFile(Path file) {
        return new ValidationSettings(k, sampleSize, minRecall, maxLatencyP99Ms, latencyQueries, threads, seed, maxRecallDrop,
                maxLatencyIncrease, latencySlackMs, file);
    }
}
