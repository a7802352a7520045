package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.HeldOutRecall;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import java.util.StringJoiner;

/**
 * What one build holds in native memory at its peak, estimated before it starts from N, d and the
 * plan. autofaiss estimates the same way (IndexMetadata's index size, plus training vectors × d × 4
 * × 1.5, plus centroids and PQ tables); here each term is what our builder and FAISS 1.7.3 allocate:
 *
 * <ul>
 *   <li>flat: the codes, N·d·4 bytes, reserved up front ({@code IndexBuilder.addAll}), so no growth slack;
 *       nothing is trained or tuned.
 *   <li>IVF-PQ, inverted lists: N·(m + 8) bytes, the m one-byte PQ codes and the 8-byte id FAISS keeps
 *       with every entry, × 1.5 because each list is a std::vector that doubles as it grows: between
 *       doublings a list holds 1 to 2 times its entries' bytes, 1.44 on average over lists of any size.
 *   <li>training: S·d·4 for the sample copied out of the file (none when S = N: it trains in place on the
 *       mapping), S·d·4 for the residuals PQ is trained on (FAISS computes one per training vector), and
 *       S·12 for k-means' assignment (8-byte list number, 4-byte distance) per point.
 *   <li>quantizers: nlist·d·4 for the centroids and 256·d·4 for the PQ codebooks (m sub-quantizers of 256
 *       centroids of d/m floats).
 *   <li>one add call: B·(d·4 + 8 + m) with B = min(N, 65,536) rows per chunk: the residuals, list numbers
 *       and codes FAISS computes for the chunk before it appends them.
 *   <li>nprobe tuning: the probe, a copy of the index holding the rows before the held-out newest ones
 *       ({@code HeldOutRecall}: (N − H)·(m + 8)·1.5 for its lists, and its quantizers); Q·d·4 for the Q
 *       query copies, Q·(k + 1)·12 for exact and approximate results, and FAISS's exhaustive-search block
 *       of 4,096 × 1,024 floats (16 MiB) for the ground truth.
 * </ul>
 *
 * Not counted: the memory-mapped embeddings, which are page cache the kernel can drop and read again,
 * not memory the build owns (counting them would refuse a 40 GB file on a 24 GB machine that builds it
 * fine in chunks); the JVM heap, fixed by -Xmx and shared by everything in the process. An operator's
 * own factory string is counted as the vectors themselves (N·d·4 + training), an upper bound for the
 * compressed indices this project builds.
 */
public final class BuildMemory {
    /** Rows added per FAISS call ({@link IndexBuilder#ADD_CHUNK_ROWS}). */
    static final long ADD_BATCH = IndexBuilder.ADD_CHUNK_ROWS;
    /** FAISS's BLAS exhaustive search works in blocks of 4,096 queries × 1,024 database vectors. */
    static final long EXACT_SEARCH_BLOCK = 4096L * 1024 * Float.BYTES;
    static final int PQ_CENTROIDS = 256;
    /** std::vector doubling: see the class comment. */
    static final double LIST_GROWTH = 1.5;

    /** The terms, in bytes; {@link #total} is what a build reserves. */
    public record Estimate(long codes, long training, long quantizers, long addBatch, long tuning) {
        public long total() {
            return codes + training + quantizers + addBatch + tuning;
        }

        /** The total and its terms, those that are not zero. */
        @Override
        public String toString() {
            StringJoiner terms = new StringJoiner(", ", " (", ")");
            long[] values = {codes, training, quantizers, addBatch, tuning};
            String[] names = {"codes", "training", "quantizers", "add batch", "tuning"};
            for (int i = 0; i < values.length; i++) if (values[i] > 0) terms.add(names[i] + " " + MemoryBudget.human(values[i]));
            return MemoryBudget.human(total()) + terms;
        }
    }

    private BuildMemory() {}

    /**
     * @param tuningQueries queries the nprobe tuner searches (0 when nothing is tuned)
     * @param k neighbours per query in tuning
     */
    public static Estimate of(IndexPlan plan, long n, int d, int tuningQueries, int k) {
        long vectorBytes = (long) d * Float.BYTES;
        if (plan.type() == IndexType.FLATIP || plan.nlist() == 0) {
            long training = plan.type() == IndexType.FLATIP ? 0 : training(plan.trainingRows(), n, vectorBytes);
            return new Estimate(n * vectorBytes, training, 0, 0, 0);
        }
        long codes = lists(n, plan);
        long quantizers = plan.nlist() * vectorBytes + PQ_CENTROIDS * vectorBytes;
        long batch = Math.min(n, ADD_BATCH) * (vectorBytes + 8 + plan.pqM());
        long probe = lists(HeldOutRecall.trainableRows(n), plan) + quantizers;
        long tuning = tuningQueries == 0 ? 0 : probe + tuningQueries * vectorBytes + tuningQueries * (k + 1L) * 12 + EXACT_SEARCH_BLOCK;
        return new Estimate(codes, training(plan.trainingRows(), n, vectorBytes), quantizers, batch, tuning);
    }

    /** Inverted lists holding {@code rows} entries: codes and ids, with the lists' growth slack. */
    private static long lists(long rows, IndexPlan plan) {
        return (long) (rows * (plan.pqM() + 8L) * LIST_GROWTH);
    }

    /** The sample copy (only when it is a sample), its residuals, and k-means' per-point assignment. */
    private static long training(long rows, long n, long vectorBytes) {
        long copy = rows < n ? rows * vectorBytes : 0;
        return copy + rows * vectorBytes + rows * 12;
    }
}
