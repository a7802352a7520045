package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.vectors.NpyMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What the search gates share: the opened candidate, its source vectors, and the seeded query set
 * (rows of the source, so each query's own id is known and can be left out of both result lists).
 */
record Probe(Index index, NpyMatrix vectors, long[] queryIds, MemorySegment queries, ValidationSettings settings) {

    static Probe of(Index index, NpyMatrix vectors, long[] queryIds, Arena arena, ValidationSettings settings) {
        return new Probe(index, vectors, queryIds, vectors.gather(queryIds, arena), settings);
    }

    int nq() {
        return queryIds.length;
    }

    int dim() {
        return vectors.dim();
    }

    /** Query {@code i} alone, as a slice of the query set. */
    MemorySegment query(int i) {
        long bytes = (long) dim() * Float.BYTES;
        return queries.asSlice(i * bytes, bytes);
    }
}
