package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.model.IndexType;

/**
 * Recall for queries that are not in the index, against exact search with the same metric
 * ({@link RecallMeter} says how it is counted): for IVF-PQ the newest rows held out
 * ({@link dev.faissrebuild.faiss.HeldOutRecall}) or the configured query file, and at least
 * {@code min_recall_threshold}; an exact index must score 1.0 (on its own rows: exact is exact for any query).
 */
final class RecallGate {
    static final String NAME = "recall";

    private RecallGate() {}

    /** @param queries what the queries were, for the detail (e.g. "the newest 1000 rows, held out of the index") */
    static Gate check(RecallMeter.Recall r, IndexType type, double minRecall, String queries) {
        double threshold = type.isExact() ? 1.0 : minRecall;
        String detail = String.format("recall@%d %.4f, 1-recall@1 %.4f over %d queries (%s) against exact search; minimum %.4f",
                r.k(), r.atK(), r.oneAt1(), r.queries(), queries, threshold);
        return r.atK() >= threshold ? Gate.passed(NAME, r.atK(), threshold, detail) : Gate.failed(NAME, r.atK(), threshold, detail);
    }
}
