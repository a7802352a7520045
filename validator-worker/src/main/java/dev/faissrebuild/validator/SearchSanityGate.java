package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexType;
import java.util.HashSet;
import java.util.Set;

/**
 * Search sanity: results are well-formed before any figure is trusted. Scores finite and ordered by
 * the metric (descending for inner product: the original checked ascending and rejected every flat
 * index), ids in range and unique per row, and for an exact index every self-query finds itself first
 * (or an exact duplicate of itself, with the same score).
 */
final class SearchSanityGate {
    static final String NAME = "search_sanity";
    private static final int QUERIES = 100;

    private SearchSanityGate() {}

    static Gate check(Probe p, IndexType type) {
        int nq = Math.min(QUERIES, p.nq());
        int k = Math.min(p.settings().k(), (int) p.index().ntotal());
        SearchResult r = p.index().search(p.queries(), nq, k);
        boolean descending = p.index().metric().higherIsCloser();
        for (int i = 0; i < nq; i++) {
            Set<Long> seen = new HashSet<>();
            for (int j = 0; j < k; j++) {
                long id = r.id(i, j);
                float s = r.score(i, j);
                if (id < 0 || id >= p.index().ntotal()) return fail("query " + i + " rank " + j + ": id " + id + " is out of range 0.." + (p.index().ntotal() - 1));
                if (!seen.add(id)) return fail("query " + i + ": id " + id + " returned twice");
                if (!Float.isFinite(s)) return fail("query " + i + " rank " + j + ": score " + s + " is not finite");
                if (j > 0 && (descending ? s > r.score(i, j - 1) : s < r.score(i, j - 1))) {
                    return fail("query " + i + ": scores not ordered " + (descending ? "descending" : "ascending") + " at rank " + j);
                }
            }
            if (type.isExact() && p.queriesAreRows() && r.id(i, 0) != p.queryIds()[i] && !sameScoreAsSelf(p, r, i)) {
                return fail("query " + i + " (row " + p.queryIds()[i] + ") did not find itself first (got " + r.id(i, 0) + ")");
            }
        }
        return Gate.passed(NAME, null, null, nq + " queries, k=" + k + ": ids in range and unique, scores finite and ordered"
                + (type.isExact() && p.queriesAreRows() ? ", every query found itself first" : ""));
    }

    /** A duplicate vector ranks first with the very same score: not an error. */
    private static boolean sameScoreAsSelf(Probe p, SearchResult r, int i) {
        for (int j = 1; j < r.k(); j++) {
            if (r.id(i, j) == p.queryIds()[i]) return r.score(i, j) == r.score(i, 0);
        }
        return false;
    }

    private static Gate fail(String detail) {
        return Gate.failed(NAME, null, null, detail);
    }
}
