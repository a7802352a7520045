package dev.faissrebuild.builder;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import dev.faissrebuild.vectors.NpyMatrix;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a build starts: what it may try within {@code rebuild.max_memory_gb} and what it reserves.
 * IVF-PQ candidates whose estimate alone exceeds the budget are left out (the recipe then tries finer
 * codes only as far as the budget goes, as it does up to {@code ivfpq_max_bytes_per_vector}); the build
 * reserves the largest estimate of the rest, because it tries them one after another and frees each
 * before the next. A build whose smallest setting exceeds the budget is refused at once.
 */
final class BuildAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(BuildAdmission.class);

    /** @param bytes what the build reserves; @param target the tuning target, finer codes left out when they do not fit */
    record Admitted(IndexBuilder.Target target, long bytes) {}

    /** Even the smallest setting of a build needs more than the whole budget. */
    static final class OverBudget extends Exception {
        OverBudget(String message) {
            super(message);
        }
    }

    private BuildAdmission() {}

    /** Reads N and d from the file's header (the mapping itself is not touched). */
    static Admitted admit(IndexKey key, String factory, Path embeddings, IndexBuilder.Target target, MemoryBudget budget) throws OverBudget {
        if (!budget.limited()) return new Admitted(target, 0);
        try (NpyMatrix m = NpyMatrix.open(embeddings)) {
            return admit(key, factory, m.rows(), m.dim(), target, budget);
        }
    }

    static Admitted admit(IndexKey key, String factory, long n, int d, IndexBuilder.Target target, MemoryBudget budget) throws OverBudget {
        List<IndexPlan> plans = IndexBuilder.plans(key.type(), factory, n, d, target);
        List<IndexPlan> fitting = plans.stream().filter(p -> budget.admits(estimate(p, n, d, target).total())).toList();
        if (fitting.isEmpty()) {
            IndexPlan smallest = plans.stream().min(Comparator.comparingLong(p -> estimate(p, n, d, target).total())).orElseThrow();
            throw new OverBudget(String.format("%s (%d x %d as %s) needs an estimated %s, but %s; raise rebuild.max_memory_gb "
                    + "or build on a machine with more memory", key, n, d, smallest.factory(), estimate(smallest, n, d, target), budget.describe()));
        }
        IndexPlan peak = fitting.stream().max(Comparator.comparingLong(p -> estimate(p, n, d, target).total())).orElseThrow();
        if (fitting.size() == plans.size()) return new Admitted(target, estimate(peak, n, d, target).total());
        LOG.info("event=ivfpq_candidates_over_budget index={} left_out=\"{}\" budget=\"{}\"", key,
                plans.subList(fitting.size(), plans.size()).stream().map(IndexPlan::factory).toList(), budget.describe());
        return new Admitted(target.withMaxBytesPerVector(fitting.getLast().pqM()), estimate(peak, n, d, target).total());
    }

    private static BuildMemory.Estimate estimate(IndexPlan p, long n, int d, IndexBuilder.Target target) {
        boolean tuned = target != null && p.nlist() > 0;
        return BuildMemory.of(p, n, d, tuned ? (int) Math.min(target.queries(), n) : 0, tuned ? target.k() : 0);
    }
}
