package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.model.IndexType;

/**
 * Recall for queries that are not in the index, against exact search with the same metric
 * ({@link RecallMeter} says how it is counted): for IVF-PQ the newest rows held out
 * ({@link dev.faissrebuild.faiss.HeldOutRecall}) or the configured query file, and at least
 * {@code min_recall_threshold}. A flat index is not sampled: it must store exactly the embeddings
 * ({@link #proved}), and then its exhaustive search is exact for any query.
 */
final class RecallGate {
    static final String NAME = "recall";

    private RecallGate() {}

    /** The gate and the figures it publishes (null: not measured). */
    record Verdict(Gate gate, Double atK, Double oneAt1, int queries) {
        static Verdict of(RecallMeter.Recall r, Gate gate) {
            return new Verdict(gate, r.atK(), r.oneAt1(), r.queries());
        }
    }

    /**
     * A flat index's exactness, from comparing its stored vectors with the embeddings (the structure gate
     * has checked it is an IndexFlat of inner product over N rows of dimension d): the same bytes, and its
     * search, exhaustive, ranks every row by the exact score, so recall is 1 for any query, by construction.
     *
     * @param mismatch the first byte offset where they differ, or -1
     * @param queries the query sample the other gates use, reported as the figures' query count
     */
    static Verdict proved(long mismatch, long rows, int dim, int k, int queries) {
        if (mismatch < 0) {
            return new Verdict(Gate.passed(NAME, 1.0, 1.0, String.format("recall@%d 1.0 by construction: the index stores the %d embeddings"
                    + " byte for byte (compared in memory, no sampled figure), and a flat search ranks every one by its exact score", k, rows)),
                    1.0, 1.0, queries);
        }
        long value = mismatch / Float.BYTES;
        String where = value / dim < rows ? String.format("row %d, value %d", value / dim, value % dim) : "its length";
        return new Verdict(Gate.failed(NAME, null, 1.0, "the index's stored vectors differ from the embeddings at " + where
                + ": it does not hold these embeddings, so its search is not exact for them"), null, null, queries);
    }

    /** @param queries what the queries were, for the detail (e.g. "the newest 1000 rows, held out of the index") */
    static Verdict checked(RecallMeter.Recall r, IndexType type, double minRecall, String queries) {
        return Verdict.of(r, check(r, type, minRecall, queries));
    }

    static Gate check(RecallMeter.Recall r, IndexType type, double minRecall, String queries) {
        double threshold = type.isExact() ? 1.0 : minRecall;
        String detail = String.format("recall@%d %.4f, 1-recall@1 %.4f over %d queries (%s) against exact search; minimum %.4f",
                r.k(), r.atK(), r.oneAt1(), r.queries(), queries, threshold);
        return r.atK() >= threshold ? Gate.passed(NAME, r.atK(), threshold, detail) : Gate.failed(NAME, r.atK(), threshold, detail);
    }
}
