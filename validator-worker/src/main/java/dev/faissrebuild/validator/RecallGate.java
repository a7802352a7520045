package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.model.IndexType;

/**
 * Recall against exact search over the whole index with the same metric, on the seeded query set
 * ({@link RecallMeter} says how it is counted). An exact index must score 1.0; IVF-PQ at least
 * {@code min_recall_threshold}.
 */
final class RecallGate {
    static final String NAME = "recall";

    private RecallGate() {}

    static Gate check(RecallMeter.Recall r, IndexType type, double minRecall) {
        double threshold = type.isExact() ? 1.0 : minRecall;
        String detail = String.format("recall@%d %.4f, 1-recall@1 %.4f over %d queries against exact search; minimum %.4f",
                r.k(), r.atK(), r.oneAt1(), r.queries(), threshold);
        return r.atK() >= threshold ? Gate.passed(NAME, r.atK(), threshold, detail) : Gate.failed(NAME, r.atK(), threshold, detail);
    }
}
