package dev.faissrebuild.faiss;

import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;

/**
 * Recall for queries that are not in the index: the newest rows of the embeddings are held out, the
 * index is measured as it would be without them, and they are the queries.
 *
 * <p>Why not the index's own rows (each query's own id left out)? The embeddings are a time series
 * (weather states in time order) and a row's nearest neighbours are its own neighbours in time, hours
 * apart and nearly identical: easy to find even through coarse codes. The forecasting service searches
 * with <em>new</em> states, which have no such twin in the index. Leaving one's own id out keeps the twins;
 * so does a random held-out sample of rows (its rows' twins stay in the index). Measured on weather-like
 * data, 13,148 × 128, IVF256,PQ64np, nprobe 64: own rows 0.942, random held-out rows 0.939, the newest
 * rows held out 0.918, new queries from the same process 0.914 (another series) and 0.914 (the series'
 * continuation). Holding out the newest rows is the forecasting situation itself — index the past,
 * query what comes after it — and a contiguous prefix keeps every id as it is in the real index, so the
 * exact ground truth is a search over a prefix of the mapped file, with no copy and no id mapping.
 *
 * <p>The probe index is the built index cloned, emptied and given the prefix: its training (coarse
 * centroids, PQ codebooks) and search settings are the real index's, only the held-out rows are absent.
 * The builder trains on the prefix only ({@link #trainableRows}), so the queries are new to the
 * quantizers too.
 *
 * <p>Exact indices need none of this (recall is 1 by construction, whatever the queries): their gate keeps
 * the cheaper own-row measurement, which also proves they match exact search.
 */
public final class HeldOutRecall implements AutoCloseable {
    /** Rows added per FAISS call when filling the probe: bounds the resident part of a large file. */
    /** Hold out at least this many rows (the default query sample)... */
    private static final long MIN_HELD_OUT = 1_000;
    /** ...and at least this share: at 1M rows 1,000 rows would be one week of one season. */
    private static final long HELD_OUT_DIVISOR = 20;

    private final NpyMatrix vectors;
    private final Split split;
    private final RecallMeter meter;

    /**
     * Which rows are indexed (the first {@code indexedRows}) and which are the queries (drawn from the rest).
     *
     * @param queryRows ascending, all {@code >= indexedRows}
     */
    public record Split(long rows, long indexedRows, long[] queryRows) {
        /**
         * The newest {@code max(1000, rows / 20)} rows held out (at most half of them), {@code queries} of them
         * drawn (seeded) as queries: a tail longer than the sample spreads the queries over a longer time
         * (seasons) instead of one stretch of consecutive, correlated states. The tail depends on the row
         * count alone, so the builder (which leaves it out of training) and the validator agree on it.
         */
        public static Split newest(long rows, int queries, long seed) {
            long indexed = trainableRows(rows);
            long[] q = RowSample.distinct(rows - indexed, (int) Math.min(queries, rows - indexed), seed);
            for (int i = 0; i < q.length; i++) q[i] += indexed;
            return new Split(rows, indexed, q);
        }

        public long heldOutRows() {
            return rows - indexedRows;
        }
    }

    /**
     * The rows before the held-out tail: the builder trains on these only, so the held-out queries are as
     * new to the index's quantizers as the service's queries are (measured: training on them too made the
     * estimate 0.004 more optimistic at the tuned nprobe).
     */
    public static long trainableRows(long rows) {
        if (rows < 2) return rows;
        long tail = Math.max(1, Math.min(rows / 2, Math.max(MIN_HELD_OUT, rows / HELD_OUT_DIVISOR)));
        return rows - tail;
    }

    private HeldOutRecall(NpyMatrix vectors, Split split, RecallMeter meter) {
        this.vectors = vectors;
        this.split = split;
        this.meter = meter;
    }

    /** The newest rows of {@code vectors} held out, {@code queries} of them queries; the exact ground truth computed now. */
    public static HeldOutRecall newest(NpyMatrix vectors, int queries, long seed, int k, Metric metric, int threads) {
        Split split = Split.newest(vectors.rows(), queries, seed);
        return new HeldOutRecall(vectors, split, RecallMeter.overPrefix(vectors, split.indexedRows(), split.queryRows(), k, metric, threads));
    }

    public Split split() {
        return split;
    }

    /** The meter of the held-out queries, for an index from {@link #probe}. */
    public RecallMeter meter() {
        return meter;
    }

    /**
     * {@code built} as it would be without the held-out rows (same training and search settings); the
     * caller closes it. A copy with the held-out ids removed: the same entries in the same order as
     * adding the other rows again, without encoding them again (see {@link Index#removeRange}).
     */
    public Index probe(Index built) {
        if (built.ntotal() != vectors.rows()) {
            throw new IllegalArgumentException(built + " holds " + built.ntotal() + " vectors, the embeddings " + vectors.rows());
        }
        Index probe = built.copy();
        try {
            long removed = probe.removeRange(split.indexedRows(), vectors.rows());
            if (removed != split.heldOutRows()) {
                throw new IllegalStateException(built + ": removing the newest " + split.heldOutRows() + " ids removed " + removed);
            }
            return probe;
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    /** Recall of {@code built} for the held-out queries (at its own search settings). */
    public RecallMeter.Recall measure(Index built) {
        try (Index probe = probe(built)) {
            return meter.measure(probe, false);
        }
    }

    @Override
    public void close() {
        meter.close();
    }
}
