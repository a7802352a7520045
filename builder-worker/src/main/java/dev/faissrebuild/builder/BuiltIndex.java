package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.Metric;
import java.nio.file.Path;

/**
 * An index file the builder wrote, and what went into it.
 *
 * @param buildSeconds everything the build did, from opening the embeddings to the output's checksum
 * @param peakRssBytes the building process's resident-memory high-water mark after the build
 * @param phaseSeconds where buildSeconds went: train, add, tune, write, hash
 * @param planSource recipe (every candidate), live (from the live index's settings) or operator (a factory string)
 * @param buildKind full, or incremental (the live index plus the appended rows)
 * @param rowsSha256 sha256 of the embeddings' vector data (header left out), for the next rebuild's append check
 */
public record BuiltIndex(Path path, String sha256, long sizeBytes, int dimension, long ntotal, String factory, Metric metric,
                         int nlist, int nprobe, int pqM, long trainingRows, double buildSeconds, long peakRssBytes,
                         Path embeddings, String embeddingsSha256, java.util.Map<String, Double> phaseSeconds, String planSource,
                         String buildKind, String rowsSha256) {

    /** The same, with the peak measured at the end of the whole build (the process's, when it ran nothing else). */
    public BuiltIndex withPeakRssBytes(long bytes) {
        return new BuiltIndex(path, sha256, sizeBytes, dimension, ntotal, factory, metric, nlist, nprobe, pqM, trainingRows, buildSeconds,
                bytes, embeddings, embeddingsSha256, phaseSeconds, planSource, buildKind, rowsSha256);
    }
}
