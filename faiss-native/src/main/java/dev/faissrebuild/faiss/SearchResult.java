package dev.faissrebuild.faiss;

import java.util.Arrays;

/**
 * Results of a search: for each of {@code n} queries, {@code k} (score, id) pairs, best first.
 * Scores are inner products (descending) or squared L2 distances (ascending); id -1 marks a missing result.
 */
public record SearchResult(int n, int k, float[] scores, long[] ids) {

    public long id(int query, int rank) {
        return ids[query * k + rank];
    }

    public float score(int query, int rank) {
        return scores[query * k + rank];
    }

    public long[] idsOf(int query) {
        return Arrays.copyOfRange(ids, query * k, query * k + k);
    }

    public float[] scoresOf(int query) {
        return Arrays.copyOfRange(scores, query * k, query * k + k);
    }
}
