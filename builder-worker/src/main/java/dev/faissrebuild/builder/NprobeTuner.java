package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.RecallMeter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Chooses nprobe by measurement, not by rule of thumb: the smallest nprobe whose recall@k reaches the
 * target (doubling from 1 until one does, then a binary search between the last power of two that
 * failed and the first that passed, as autofaiss searches its latency bound), provided the search time
 * per query stays within the latency bound. The builder hands it the probe of a {@link
 * dev.faissrebuild.faiss.HeldOutRecall} (the index without its newest rows, which are the queries), so
 * what is tuned is recall for queries that are not in the index, the figure the validator publishes;
 * the queries are a sample of their own where the held-out rows outnumber it. The caller sets the
 * chosen nprobe on the real index.
 */
public final class NprobeTuner {
    /** One measured setting. */
    public record Point(int nprobe, double recall, double msPerQuery) {
        @Override
        public String toString() {
            return String.format("nprobe %d: recall %.4f, %.3f ms/query", nprobe, recall, msPerQuery);
        }
    }

    /** @param met whether {@code nprobe} reaches the target within the latency bound; else the best point reached */
    public record Tuning(int nprobe, boolean met, Point chosen, List<Point> points) {}

    private NprobeTuner() {}

    public static Tuning tune(Index index, RecallMeter meter, int nlist, double target, double maxMsPerQuery) {
        return tune(index, meter, nlist, target, maxMsPerQuery, 0);
    }

    /**
     * @param liveNprobe the nprobe the live index of this key was tuned to, or 0 to search from 1. An
     *     incremental build (the live quantizers, a few rows more) reaches the target near it: it is
     *     measured first and kept when it passes; else an eighth more (the usual case: the new rows moved
     *     the recall a little), then doubling until one passes, bisected back to within an eighth of the
     *     smallest that does. Each point is a search of every query: one or two points instead of the ten
     *     or more of a search from 1, for an nprobe at most an eighth above the smallest.
     */
    public static Tuning tune(Index index, RecallMeter meter, int nlist, double target, double maxMsPerQuery, int liveNprobe) {
        TreeMap<Integer, Point> measured = new TreeMap<>();
        int start = liveNprobe > 0 ? Math.min(liveNprobe, nlist) : 1;
        int lastFailed = 0;
        int passing = -1;
        for (int p = start; ; p = Math.min(nlist, liveNprobe > 0 && p == start ? p + Math.max(1, p / 8) : p * 2)) {
            if (measure(index, meter, p, measured).recall() >= target) {
                passing = p;
                break;
            }
            lastFailed = p;
            if (p == nlist) return best(measured, false);
        }
        int lo = passing == start ? passing : lastFailed; // the live nprobe passing at once is kept
        int hi = passing;
        int tolerance = liveNprobe > 0 ? Math.max(1, hi / 8) : 1;
        while (hi - lo > tolerance) {
            int mid = (lo + hi) / 2;
            if (measure(index, meter, mid, measured).recall() >= target) hi = mid;
            else lo = mid;
        }
        Point chosen = measured.get(hi);
        return new Tuning(hi, chosen.msPerQuery() <= maxMsPerQuery, chosen, new ArrayList<>(measured.values()));
    }

    private static Point measure(Index index, RecallMeter meter, int nprobe, TreeMap<Integer, Point> measured) {
        return measured.computeIfAbsent(nprobe, p -> {
            index.setNprobe(p);
            long t = System.nanoTime();
            RecallMeter.Recall r = meter.measure(index, false);
            double ms = (System.nanoTime() - t) / 1e6 / r.queries();
            return new Point(p, r.atK(), ms);
        });
    }

    private static Tuning best(TreeMap<Integer, Point> measured, boolean met) {
        Point best = measured.values().stream().max(Comparator.comparingDouble(Point::recall)).orElseThrow();
        return new Tuning(best.nprobe(), met, best, new ArrayList<>(measured.values()));
    }
}
