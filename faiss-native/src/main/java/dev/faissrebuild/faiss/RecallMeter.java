package dev.faissrebuild.faiss;

import dev.faissrebuild.vectors.NpyMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Recall of an index against exact search over the whole source, on query rows drawn from the source
 * (each query's own id left out of both lists: a stored vector trivially finds itself) or on a held-out
 * query file; or, for {@link HeldOutRecall}, against exact search over the first rows of the source, on
 * rows after them (queries that are not in the index). The exact
 * ground truth is computed once, so one meter can score many settings (the nprobe tuner) cheaply.
 *
 * <ul>
 *   <li>recall@k: the share of the exact top-k found in the returned top-k (autofaiss, ann-benchmarks);
 *   <li>1-recall@1: FAISS's measure, the share of queries whose exact nearest neighbour is ranked first.
 * </ul>
 *
 * Ties: when several vectors share the k-th exact score, which make the top-k is arbitrary; with
 * {@code exactIndex}, a returned id whose score equals the k-th exact score counts as found.
 */
public final class RecallMeter implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final long[] queryIds;
    private final MemorySegment queries;
    private final int k;
    private final long[][] truth;
    private final float[] kthScore;

    public record Recall(double atK, double oneAt1, int k, int queries) {}

    /** Queries drawn from the source itself: each one's own id is left out of both lists. */
    public RecallMeter(NpyMatrix vectors, long[] queryIds, int k, Metric metric, int threads) {
        this(vectors.segment(), vectors.rows(), vectors.dim(), queryIds.clone(), a -> vectors.gather(queryIds, a), k, metric, threads);
    }

    /** Held-out queries (not rows of the source): nothing to leave out. */
    public static RecallMeter heldOut(NpyMatrix vectors, NpyMatrix queries, int maxQueries, int k, Metric metric, int threads) {
        if (queries.dim() != vectors.dim()) {
            throw new IllegalArgumentException("query file " + queries.file() + " has dimension " + queries.dim() + ", the index " + vectors.dim());
        }
        int nq = (int) Math.min(maxQueries, queries.rows());
        MemorySegment rows = queries.rows(0, nq);
        return new RecallMeter(vectors.segment(), vectors.rows(), vectors.dim(), none(nq), a -> a.allocate(rows.byteSize(), Float.BYTES).copyFrom(rows),
                k, metric, threads);
    }

    /** Rows {@code queryRows} of the source as queries against exact search over its first {@code indexedRows} rows (which hold none of them). */
    static RecallMeter overPrefix(NpyMatrix vectors, long indexedRows, long[] queryRows, int k, Metric metric, int threads) {
        for (long row : queryRows) {
            if (row < indexedRows) throw new IllegalArgumentException("query row " + row + " is among the " + indexedRows + " indexed rows");
        }
        return new RecallMeter(vectors.rows(0, indexedRows), indexedRows, vectors.dim(), none(queryRows.length), a -> vectors.gather(queryRows, a),
                k, metric, threads);
    }

    private static long[] none(int n) {
        long[] ids = new long[n];
        Arrays.fill(ids, -1);
        return ids;
    }

    /**
     * @param database the rows the exact top-k is taken from
     * @param queryIds each query's own id among them (left out of both lists), or -1
     * @param queryVectors copies the queries into the meter's arena
     */
    private RecallMeter(MemorySegment database, long databaseRows, int dim, long[] queryIds, Function<Arena, MemorySegment> queryVectors, int k,
                        Metric metric, int threads) {
        this.queryIds = queryIds;
        this.k = k;
        this.queries = queryVectors.apply(arena);
        SearchResult exact = ExactSearch.knn(database, databaseRows, queries, queryIds.length, dim, k + 1, metric, threads);
        this.truth = new long[queryIds.length][];
        this.kthScore = new float[queryIds.length];
        for (int i = 0; i < queryIds.length; i++) {
            truth[i] = withoutSelf(exact.idsOf(i), exact.scoresOf(i), queryIds[i], k, null);
            float[] scores = new float[k];
            withoutSelf(exact.idsOf(i), exact.scoresOf(i), queryIds[i], k, scores);
            kthScore[i] = truth[i].length == 0 ? Float.NaN : scores[truth[i].length - 1];
        }
    }

    /** The query vectors, for searches of one's own. */
    public MemorySegment queries() {
        return queries;
    }

    public long[] queryIds() {
        return queryIds.clone();
    }

    public Recall measure(Index index, boolean exactIndex) {
        SearchResult found = index.search(queries, queryIds.length, k + 1);
        long hits = 0;
        long firstRight = 0;
        for (int i = 0; i < queryIds.length; i++) {
            float[] scores = new float[k];
            long[] got = withoutSelf(found.idsOf(i), found.scoresOf(i), queryIds[i], k, scores);
            Set<Long> exact = new HashSet<>();
            for (long id : truth[i]) exact.add(id);
            for (int j = 0; j < got.length; j++) {
                if (exact.contains(got[j]) || exactIndex && scores[j] == kthScore[i]) hits++;
            }
            if (got.length > 0 && truth[i].length > 0 && got[0] == truth[i][0]) firstRight++;
        }
        return new Recall(hits / (double) (k * (long) queryIds.length), firstRight / (double) queryIds.length, k, queryIds.length);
    }

    /** The first {@code k} valid ids other than {@code self}; their scores into {@code scoresOut} when given. */
    private static long[] withoutSelf(long[] ids, float[] scores, long self, int k, float[] scoresOut) {
        long[] out = new long[k];
        int n = 0;
        for (int j = 0; j < ids.length && n < k; j++) {
            if (ids[j] == self || ids[j] < 0) continue;
            if (scoresOut != null) scoresOut[n] = scores[j];
            out[n++] = ids[j];
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public void close() {
        arena.close();
    }
}
