package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.ExactSearch;
import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexType;
import java.util.HashSet;
import java.util.Set;

/**
 * Recall against exact search over the whole index with the same metric, on the seeded query set,
 * each query's own id left out of both lists (a stored vector trivially finds itself).
 *
 * <ul>
 *   <li>recall@k: the share of the exact top-k found in the returned top-k, as autofaiss and
 *       ann-benchmarks define it;
 *   <li>1-recall@1: FAISS's measure, the share of queries whose exact nearest neighbour is ranked first.
 * </ul>
 *
 * An exact index must score 1.0. Ties: when several vectors share the k-th exact score, which of them
 * make the top-k is arbitrary, so for an exact index a returned id whose exact score equals the k-th
 * exact score counts as found.
 */
final class RecallGate {
    static final String NAME = "recall";

    private RecallGate() {}

    record Recall(double atK, double oneAt1) {}

    static Recall measure(Probe p, IndexType type) {
        int k = p.settings().k();
        SearchResult truth = ExactSearch.knn(p.vectors().segment(), p.vectors().rows(), p.queries(), p.nq(), p.dim(),
                k + 1, p.index().metric(), p.settings().threads());
        SearchResult found = p.index().search(p.queries(), p.nq(), k + 1);
        long hits = 0;
        long firstRight = 0;
        for (int i = 0; i < p.nq(); i++) {
            long self = p.queryIds()[i];
            long[] exact = withoutSelf(truth.idsOf(i), self, k);
            long[] got = withoutSelf(found.idsOf(i), self, k);
            Set<Long> exactSet = new HashSet<>();
            for (long id : exact) exactSet.add(id);
            float kthExact = kthScore(truth, i, self, k);
            float[] gotScores = scoresWithoutSelf(found, i, self, k);
            for (int j = 0; j < got.length; j++) {
                if (exactSet.contains(got[j]) || type.isExact() && gotScores[j] == kthExact) hits++;
            }
            if (got.length > 0 && exact.length > 0 && got[0] == exact[0]) firstRight++;
        }
        return new Recall(hits / (double) (k * (long) p.nq()), firstRight / (double) p.nq());
    }

    static Gate check(Recall r, IndexType type, double minRecall, int k, int nq) {
        double threshold = type.isExact() ? 1.0 : minRecall;
        String detail = String.format("recall@%d %.4f, 1-recall@1 %.4f over %d queries against exact search; minimum %.4f",
                k, r.atK(), r.oneAt1(), nq, threshold);
        return r.atK() >= threshold ? Gate.passed(NAME, r.atK(), threshold, detail) : Gate.failed(NAME, r.atK(), threshold, detail);
    }

    static long[] withoutSelf(long[] ids, long self, int k) {
        long[] out = new long[k];
        int n = 0;
        for (long id : ids) {
            if (id != self && id >= 0 && n < k) out[n++] = id;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static float[] scoresWithoutSelf(SearchResult r, int i, long self, int k) {
        float[] out = new float[k];
        int n = 0;
        for (int j = 0; j < r.k() && n < k; j++) {
            if (r.id(i, j) != self && r.id(i, j) >= 0) out[n++] = r.score(i, j);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static float kthScore(SearchResult truth, int i, long self, int k) {
        float[] s = scoresWithoutSelf(truth, i, self, k);
        return s.length == 0 ? Float.NaN : s[s.length - 1];
    }
}
