package dev.faissrebuild.builder;

/**
 * When a rebuild may be incremental: the forecasting archive grows by appending new states, and an
 * index trained on the old rows still fits data that is those rows plus a few more. Pure: the request,
 * the new file's shape and the digest of its first rows (as many as the live index holds) in, the reason
 * it cannot be (a sentence for the log), or null when it can.
 */
final class Increments {
    static final String FULL = "full";
    static final String INCREMENTAL = "incremental";

    private Increments() {}

    /** @param prefixSha256 asked for last, only when every other condition holds (it waits for a pass over the file) */
    static String refusal(IndexBuilder.Request r, long rows, int dim, java.util.function.Supplier<String> prefixSha256) {
        LiveSettings live = r.live();
        if (r.incrementalMaxGrowth() < 0) return "a full build was asked (--full, or rebuild.incremental_max_growth = 0)";
        if (r.factory() != null) return "an operator's factory string was given";
        if (live == null || live.file() == null) return "no index of this key is live";
        if (live.rowsSha256() == null) return "the live manifest has no checksum of the rows it was built from (built before incremental rebuilds)";
        if (dim != live.dimension()) return "the dimension changed from " + live.dimension() + " to " + dim;
        if (rows < live.ntotal()) return "the file has " + rows + " rows, fewer than the live index's " + live.ntotal() + " (not an append)";
        double growth = (double) (rows - live.ntotal()) / live.ntotal();
        if (growth > r.incrementalMaxGrowth()) {
            return String.format("the file grew by %.1f %% of its rows, more than rebuild.incremental_max_growth (%.1f %%): the quantizers are "
                    + "trained again", 100 * growth, 100 * r.incrementalMaxGrowth());
        }
        if (!live.rowsSha256().equals(prefixSha256.get())) {
            return "the first " + live.ntotal() + " rows differ from those the live index was built from (the file was changed, not appended to)";
        }
        return null;
    }
}
