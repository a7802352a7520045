package dev.faissrebuild.validator;

import dev.faissrebuild.model.IndexType;
import java.nio.file.Path;

/**
 * A staged index to judge, and what it must be.
 *
 * @param expectedSha256 the checksum the builder reported; null skips that check (offline validation)
 * @param baseline the live index of the same key, for the regression gate; null when there is none
 */
public record Candidate(String label, IndexType type, Path indexFile, String expectedSha256, Path embeddings, Baseline baseline) {

    public Candidate(String label, IndexType type, Path indexFile, String expectedSha256, Path embeddings) {
        this(label, type, indexFile, expectedSha256, embeddings, null);
    }

    /**
     * The live index a candidate must not be worse than.
     *
     * @param recordedRecall recall@k the live index was validated with (from its manifest)
     * @param sameEmbeddings built from the same embeddings as the candidate: its recall can be measured
     *     again now, on the candidate's own queries, for a like-for-like comparison
     */
    public record Baseline(String generationId, Path file, Double recordedRecall, boolean sameEmbeddings) {}
}
