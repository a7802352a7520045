package dev.faissrebuild.validator;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.nio.file.Path;

/**
 * Thresholds and sizes of validation (config section {@code validation}).
 *
 * @param sampleSize queries drawn (seeded) from the embeddings for recall and latency
 * @param latencyQueries single queries timed one by one for the latency percentiles
 * @param maxLatencyIncrease the per-query slowdown against the live index that counts as a regression (0.5 = +50 %)
 * @param latencySlackMs a slowdown that adds less than this to the typical query is never a regression (too small for the budget)
 * @param queriesFile a held-out query file ({@code validation.queries_file}), or null to sample the embeddings
 * @param qualityGates {@code validation.enabled}: false runs the structure gate alone (a corrupt file would break
 *     consumers, so integrity is never skipped) and reports every quality gate as skipped
 */
public record ValidationSettings(int k, int sampleSize, double minRecall, double maxLatencyP99Ms, int latencyQueries,
                                 int threads, long seed, double maxRecallDrop, double maxLatencyIncrease, double latencySlackMs,
                                 Path queriesFile, boolean qualityGates) {
    /** Why the quality gates did not run, as each skipped gate says. */
    public static final String DISABLED = "validation.enabled = false";

    /** Every gate. */
    public ValidationSettings(int k, int sampleSize, double minRecall, double maxLatencyP99Ms, int latencyQueries, int threads, long seed,
                              double maxRecallDrop, double maxLatencyIncrease, double latencySlackMs, Path queriesFile) {
        this(k, sampleSize, minRecall, maxLatencyP99Ms, latencyQueries, threads, seed, maxRecallDrop, maxLatencyIncrease, latencySlackMs,
                queriesFile, true);
    }

    /** @param dataDir where a relative {@code queries_file} is found */
    public static ValidationSettings from(FaissRebuildConfig.Validation v, int threads, Path dataDir) {
        return new ValidationSettings(v.recallK(), v.validationSampleSize(), v.minRecallThreshold(), v.maxLatencyThresholdMs(),
                Math.min(v.validationSampleSize(), 300), threads, 20241105L, v.maxRecallDrop(), v.maxLatencyIncrease(),
                v.latencyRegressionSlackMs(),
                v.queriesFile() == null || v.queriesFile().isBlank() ? null : dataDir.resolve(v.queriesFile()), v.enabled());
    }

    /** The same settings with only the integrity gate (a rebuild that asked to skip the quality gates). */
    public ValidationSettings withoutQualityGates() {
        return new ValidationSettings(k, sampleSize, minRecall, maxLatencyP99Ms, latencyQueries, threads, seed, maxRecallDrop,
                maxLatencyIncrease, latencySlackMs, queriesFile, false);
    }

    public ValidationSettings withQueriesFile(Path file) {
        return new ValidationSettings(k, sampleSize, minRecall, maxLatencyP99Ms, latencyQueries, threads, seed, maxRecallDrop,
                maxLatencyIncrease, latencySlackMs, file, qualityGates);
    }
}
