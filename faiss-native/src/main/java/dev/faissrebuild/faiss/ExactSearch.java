package dev.faissrebuild.faiss;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Exact k-nearest-neighbour search by brute force (FAISS's BLAS kernels), the ground truth that
 * recall is measured against. The database is read in place: a memory-mapped {@code .npy} is not
 * copied.
 */
public final class ExactSearch {
    private ExactSearch() {}

    public static SearchResult knn(MemorySegment database, long nb, MemorySegment queries, long nq,
                                   int dimension, int k, Metric metric, int threads) {
        long bytesPerRow = (long) dimension * Float.BYTES;
        if (database.byteSize() < nb * bytesPerRow || queries.byteSize() < nq * bytesPerRow) {
            throw new IllegalArgumentException("segments are smaller than nb=" + nb + ", nq=" + nq + " rows of d=" + dimension);
        }
        if (k < 1 || k > nb) throw new IllegalArgumentException("k must be in 1.." + nb + ", got " + k);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment distances = arena.allocate(JAVA_FLOAT, nq * k);
            MemorySegment labels = arena.allocate(JAVA_LONG, nq * k);
            Shim.check("exact " + metric.label() + " search of " + nq + " queries over " + nb + " vectors",
                    (e, n) -> (int) Shim.KNN_EXACT.invokeExact(queries, nq, database, nb, dimension, (long) k,
                            metric.code(), distances, labels, threads, e, n));
            return new SearchResult((int) nq, k, distances.toArray(JAVA_FLOAT), labels.toArray(JAVA_LONG));
        }
    }

    public static SearchResult knn(MemorySegment database, long nb, float[] queries, int dimension, int k, Metric metric, int threads) {
        try (Arena arena = Arena.ofConfined()) {
            return knn(database, nb, arena.allocateFrom(JAVA_FLOAT, queries), queries.length / dimension, dimension, k, metric, threads);
        }
    }
}
