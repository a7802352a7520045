package dev.faissrebuild.validator;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.files.IndicesLayout;
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
    public record Baseline(String generationId, Path file, Double recordedRecall, boolean sameEmbeddings) {
        /** The live index of {@code key}, if a generation is live and holds it; {@code embeddingsSha256}: the candidate's source. */
        public static Baseline live(IndicesLayout layout, IndexKey key, String embeddingsSha256) {
            return layout.liveManifest().flatMap(m -> m.entry(key.toString()).map(e -> new Baseline(m.generationId(),
                    layout.generation(m.generationId()).resolve(e.fileName()), e.recallAtK(),
                    embeddingsSha256 != null && embeddingsSha256.equals(e.embeddingsSha256())))).orElse(null);
        }
    }
}
