package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.vectors.NpyMatrix;
import java.lang.foreign.MemorySegment;

/**
 * What the search gates share: the opened candidate, its source vectors, and the query set: rows of
 * the source (ids known, so each query's own id can be left out) or a held-out file (ids -1).
 */
record Probe(Index index, NpyMatrix vectors, long[] queryIds, MemorySegment queries, ValidationSettings settings) {

    int nq() {
        return queryIds.length;
    }

    int dim() {
        return vectors.dim();
    }

    boolean queriesAreRows() {
        return nq() > 0 && queryIds[0] >= 0;
    }

    /** Query {@code i} alone, as a slice of the query set. */
    MemorySegment query(int i) {
        long bytes = (long) dim() * Float.BYTES;
        return queries.asSlice(i * bytes, bytes);
    }

    /** The same queries against another index (the live one, for the regression gate). */
    Probe on(Index other) {
        return new Probe(other, vectors, queryIds, queries, settings);
    }
}
