package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexType;

/**
 * How one index is built: the FAISS factory string and what it was derived from.
 *
 * @param nlist inverted lists (0 for flat)
 * @param pqM PQ sub-quantizers (0 for flat)
 * @param trainingRows vectors k-means and PQ are trained on (0 when no training is needed)
 * @param nprobe lists visited per query (0 for flat)
 */
public record IndexPlan(IndexType type, String factory, Metric metric, int nlist, int pqM, long trainingRows, int nprobe) {

    /** A plan for a factory string given by an operator: nothing derived, training on everything. */
    public static IndexPlan custom(IndexType type, String factory, long n) {
        return new IndexPlan(type, factory, Metric.INNER_PRODUCT, 0, 0, n, 0);
    }
}
