package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexType;
import java.util.ArrayList;
import java.util.List;

/**
 * The index-selection recipe, as small pure functions with FAISS's guidance beside each
 * (see the FAISS wiki "Guidelines to choose an index" and autofaiss).
 *
 * <p>Both types use the inner product: the embeddings are L2-normalised, so it is the cosine
 * similarity, and the existing consumers search by it. (The original built IVF-PQ with L2 by mistake.)
 */
public final class IndexRecipe {
    /** FAISS warns when k-means has fewer than 39 training points per centroid. */
    static final int MIN_POINTS_PER_CENTROID = 39;
    /** k-means subsamples to 256 points per centroid anyway; training on more only costs time. */
    static final int MAX_POINTS_PER_CENTROID = 256;
    /** PQ with 8-bit codes trains 256 centroids per sub-quantizer: below this many vectors it cannot. */
    static final long MIN_IVFPQ_VECTORS = 1_000;
    /**
     * Dimensions per PQ sub-quantizer, coarsest first: each halving doubles the code size and cuts the
     * quantisation error, the limit on recall that no nprobe can lift (measured on the demo data: 4
     * dimensions per 8-bit code plateau near recall@10 0.87, 2 reach 0.96).
     */
    static final int[] DIMS_PER_SUBQUANTIZER = {4, 2, 1};

    private IndexRecipe() {}

    public static IndexPlan plan(IndexType type, long n, int d) {
        return switch (type) {
            case FLATIP -> new IndexPlan(type, "Flat", Metric.INNER_PRODUCT, 0, 0, 0, 0);
            case IVFPQ -> ivfpq(n, d);
        };
    }

    /**
     * IVF-PQ settings to try, in order of code size (smallest first), up to {@code maxBytesPerVector}:
     * the builder keeps the first whose tuned nprobe meets the recall target.
     */
    public static List<IndexPlan> ivfpqCandidates(long n, int d, int maxBytesPerVector) {
        List<IndexPlan> plans = new ArrayList<>();
        for (int dims : DIMS_PER_SUBQUANTIZER) {
            IndexPlan p = ivfpq(n, d, dims);
            if (p.pqM() <= maxBytesPerVector && plans.stream().noneMatch(q -> q.pqM() == p.pqM())) plans.add(p);
        }
        if (plans.isEmpty()) plans.add(ivfpq(n, d, DIMS_PER_SUBQUANTIZER[0]));
        return plans;
    }

    /**
     * The candidates from the live index's code size on: on data of the same shape the coarser codes
     * already fell short of the target (the recall plateau is the code's, no nprobe lifts it), so trying
     * them again costs a whole train, fill and tune each for nothing. Empty when the live code is not among
     * the candidates (the budget or the dimension changed): the caller then tries them all.
     */
    public static List<IndexPlan> fromLive(List<IndexPlan> candidates, String liveFactory) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("PQ(\\d+)").matcher(liveFactory == null ? "" : liveFactory);
        if (!m.find()) return List.of();
        int liveM = Integer.parseInt(m.group(1));
        if (candidates.stream().noneMatch(p -> p.pqM() == liveM)) return List.of();
        return candidates.stream().filter(p -> p.pqM() >= liveM).toList();
    }

    static IndexPlan ivfpq(long n, int d) {
        return ivfpq(n, d, DIMS_PER_SUBQUANTIZER[0]);
    }

    static IndexPlan ivfpq(long n, int d, int dimsPerSubquantizer) {
        if (n < MIN_IVFPQ_VECTORS) {
            throw new IllegalArgumentException("ivfpq needs at least " + MIN_IVFPQ_VECTORS + " vectors to train its codebooks, got " + n);
        }
        int nlist = nlist(n);
        int m = pqM(d, dimsPerSubquantizer);
        // "np": no polysemous training. Search results are identical, training is about 7x faster.
        String factory = "IVF" + nlist + ",PQ" + m + "np";
        return new IndexPlan(IndexType.IVFPQ, factory, Metric.INNER_PRODUCT, nlist, m, trainingRows(n, nlist), nprobe(nlist));
    }

    /**
     * Inverted lists: FAISS suggests 4·√N to 16·√N; we take the low end (searches touch fewer, larger
     * lists, which suits the recall target), as a power of two, and at most N/39 so every centroid
     * has its 39 training points.
     */
    static int nlist(long n) {
        double target = 4 * Math.sqrt(n);
        long cap = Math.max(1, n / MIN_POINTS_PER_CENTROID);
        long nlist = Long.highestOneBit((long) Math.max(1, target));
        while (nlist > cap) nlist >>= 1;
        return (int) Math.max(1, nlist);
    }

    /** PQ sub-quantizers: must divide d; the largest divisor with at least {@code dims} dimensions each. */
    static int pqM(int d) {
        return pqM(d, DIMS_PER_SUBQUANTIZER[0]);
    }

    static int pqM(int d, int dims) {
        for (int m = Math.max(1, d / dims); m > 1; m--) {
            if (d % m == 0) return m;
        }
        return 1;
    }

    /** Training vectors: 256 per centroid (what k-means would subsample to), but never more than N. */
    static long trainingRows(long n, int nlist) {
        return Math.min(n, (long) MAX_POINTS_PER_CENTROID * nlist);
    }

    /** nprobe when it is not tuned (tuning is the default): an eighth of the lists. */
    static int nprobe(int nlist) {
        return Math.max(1, nlist / 8);
    }
}
