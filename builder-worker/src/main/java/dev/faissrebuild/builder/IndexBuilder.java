package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.HeldOutRecall;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.ProcessMemory;
import dev.faissrebuild.runtime.child.JobProgress;
import dev.faissrebuild.runtime.files.DiskErrors;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one index file from one embeddings file: plan, train on a sample, add in chunks straight from
 * the memory-mapped {@code .npy}, tune nprobe by measured recall, write durably. For IVF-PQ it tries
 * the recipe's candidates smallest code first and keeps the first that meets the recall target. No
 * Kafka here: the builder worker and the CLI's {@code build-index} both call this.
 */
public final class IndexBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(IndexBuilder.class);
    /** Rows added per FAISS call: bounds the resident part of a file larger than RAM. */
    static final long ADD_CHUNK_ROWS = 65_536;
    private static final long SAMPLE_SEED = 1234;
    /** Tuning queries come from their own seed: where the held-out tail is longer than the sample, the validator's differ. */
    private static final long TUNING_SEED = 777;

    /**
     * What recall an IVF index must reach, and within what.
     *
     * @param margin tune to target + margin, so queries that are new to the index reach the target too
     * @param maxBytesPerVector the memory budget for IVF-PQ codes
     */
    public record Target(double recall, double margin, int k, double maxMsPerQuery, int queries, int maxBytesPerVector) {
        /** The same target with finer codes left out (the memory budget cannot hold them). */
        public Target withMaxBytesPerVector(int bytes) {
            return new Target(recall, margin, k, maxMsPerQuery, queries, bytes);
        }
    }

    /**
     * @param factory an operator's factory string, or null for the recipe's
     * @param nprobe a fixed nprobe, or 0 to tune it (or, without a target, take the plan's)
     * @param target recall target for tuning, or null not to tune
     * @param embeddingsSha256 the input's checksum when the caller has it, else null: computed beside the rows' digest, in the same read
     * @param live the live index of this key, or null: the IVF-PQ search starts from its settings when the data kept its shape,
     *     and a file that only grew by appending is built from it (see {@link Increments})
     * @param incrementalMaxGrowth the largest share of appended rows built incrementally; negative: never (--full)
     */
    public record Request(Path embeddings, IndexType type, String factory, int nprobe, Path output, int threads, Target target,
                          String embeddingsSha256, LiveSettings live, double incrementalMaxGrowth) {
        public Request(Path embeddings, IndexType type, String factory, int nprobe, Path output, int threads) {
            this(embeddings, type, factory, nprobe, output, threads, null, null, null, -1);
        }

        public Request(Path embeddings, IndexType type, String factory, int nprobe, Path output, int threads, Target target) {
            this(embeddings, type, factory, nprobe, output, threads, target, null, null, -1);
        }
    }

    /** The plans a build tries, in order, and where they came from (recipe, live, operator). */
    public record Plans(List<IndexPlan> plans, String source) {}

    /** No IVF-PQ setting within the memory budget reached the recall target. */
    public static final class TargetUnreachableException extends RuntimeException {
        TargetUnreachableException(String message) {
            super(message);
        }
    }

    public BuiltIndex build(Request request) {
        long started = System.nanoTime();
        PhaseTimes times = new PhaseTimes();
        try (NpyMatrix vectors = NpyMatrix.open(request.embeddings())) {
            long liveRows = request.live() == null ? 0 : request.live().ntotal();
            RowsDigest.Pending digests = RowsDigest.start(vectors, liveRows, request.embeddingsSha256() == null);
            try {
                return build(request, vectors, digests, times, started);
            } finally {
                digests.cancel(); // joined by then, unless the build failed: the passes end before the mapping closes
            }
        } catch (IOException e) {
            throw new UncheckedIOException(DiskErrors.describe(e, request.output()), e);
        }
    }

    /** The checksums are taken meanwhile; the build waits for them where it needs them ("hash": the time it waited). */
    private BuiltIndex build(Request request, NpyMatrix vectors, RowsDigest.Pending digests, PhaseTimes times, long started) throws IOException {
        Supplier<RowsDigest> rowsDigest = () -> waitFor(digests, times);
        String refusal = Increments.refusal(request, vectors.rows(), vectors.dim(), () -> rowsDigest.get().prefix());
        if (refusal == null) {
            var built = incremental(request, vectors, rowsDigest.get(), times, started);
            if (built != null) return built;
        } else if (request.live() != null) {
            LOG.info("event=incremental_not_used embeddings={} reason=\"{}\"", request.embeddings(), refusal);
        }
        return fullBuild(request, vectors, rowsDigest, times, started);
    }

    /** The recipe's (or live, or operator's) plans in order, each trained, filled and tuned, until one meets the target. */
    private BuiltIndex fullBuild(Request request, NpyMatrix vectors, Supplier<RowsDigest> rowsDigest, PhaseTimes times, long started)
            throws IOException {
        Plans chosen = plans(request, vectors.rows(), vectors.dim());
        List<IndexPlan> plans = chosen.plans();
        List<String> tried = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            IndexPlan plan = plans.get(i);
            try (Index index = Index.create(vectors.dim(), plan.factory(), plan.metric())) {
                index.threads(request.threads());
                if (index.info().isIvf()) JobProgress.report("train", i, plans.size(), 0, 1);
                long trained = times.time("train", () -> train(index, vectors, plan.trainingRows()));
                TrainingSample.reportSmall(index.info(), trained, vectors.file(), plan.factory());
                int candidate = i;
                times.run("add", () -> {
                    index.reserve(vectors.rows());
                    vectors.forEachChunk(ADD_CHUNK_ROWS, (from, n, chunk) -> {
                        index.add(chunk, n);
                        JobProgress.report("add", candidate, plans.size(), from + n, vectors.rows());
                    });
                });
                if (index.info().isIvf()) JobProgress.report("tune", i, plans.size(), 0, 1);
                // trained afresh: searched from 1 (new quantizers may need fewer probes than the live index's)
                NprobeTuner.Tuning tuning = times.time("tune", () -> nprobe(index, vectors, plan, request, 0));
                if (tuning != null) tried.add(plan.factory() + " best " + tuning.chosen() + " (measured: " + tuning.points() + ")");
                if (tuning == null || tuning.met()) {
                    return write(request, index, plan, trained, vectors, started, times, chosen.source(), Increments.FULL, rowsDigest);
                }
                LOG.info("event=ivfpq_candidate_short factory={} best=\"{}\"", plan.factory(), tuning.chosen());
            }
        }
        throw new TargetUnreachableException(String.format("no IVF-PQ setting within %d bytes per vector reached recall@%d %.3f: %s",
                request.target().maxBytesPerVector(), request.target().k(), request.target().recall(), String.join("; ", tried)));
    }

    private static RowsDigest waitFor(RowsDigest.Pending digests, PhaseTimes times) {
        try {
            return times.time("hash", digests::join);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The live index, its training kept, plus the rows appended since: no k-means, no PQ training. The
     * nprobe is tuned again on the grown data's newest rows (new to the quantizers, as the gates' are),
     * starting from the live nprobe, kept when it still reaches the target;
     * when it cannot reach the target the quantizers no longer fit the data, and the caller trains afresh.
     *
     * @return the built index, or null when the recall target was not reached (a full build follows)
     */
    private static BuiltIndex incremental(Request r, NpyMatrix vectors, RowsDigest rows, PhaseTimes times, long started) throws IOException {
        LiveSettings live = r.live();
        IndexPlan plan = IndexPlan.custom(r.type(), live.factory(), 0);
        try (Index index = times.time("read", () -> Index.read(live.file()))) {
            index.threads(r.threads());
            long from = live.ntotal();
            times.run("add", () -> {
                index.reserve(vectors.rows());
                vectors.forEachChunk(from, ADD_CHUNK_ROWS, (at, n, chunk) -> {
                    index.add(chunk, n);
                    JobProgress.report("add", 0, 1, at + n - from, vectors.rows() - from);
                });
            });
            int liveNprobe = (int) Math.max(0, index.info().nprobe()); // as the live file stores it
            NprobeTuner.Tuning tuning = times.time("tune", () -> nprobe(index, vectors, plan, r, liveNprobe));
            if (tuning != null && !tuning.met()) {
                LOG.info("event=incremental_fell_short embeddings={} factory={} best=\"{}\" then=full_build", r.embeddings(), live.factory(),
                        tuning.chosen());
                return null;
            }
            LOG.info("event=incremental_build embeddings={} live_generation={} live_rows={} added_rows={} factory={}", r.embeddings(),
                    live.generationId(), from, vectors.rows() - from, live.factory());
            return write(r, index, plan, 0, vectors, started, times, "live", Increments.INCREMENTAL, () -> rows);
        }
    }

    /** The plans a build tries, in order: an operator's factory, the IVF-PQ candidates when tuning to a target, else the recipe's one. */
    static List<IndexPlan> plans(IndexType type, String factory, long rows, int dim, Target target) {
        if (factory != null) return List.of(IndexPlan.custom(type, factory, rows));
        if (type == IndexType.IVFPQ && target != null) return IndexRecipe.ivfpqCandidates(rows, dim, target.maxBytesPerVector());
        return List.of(IndexRecipe.plan(type, rows, dim));
    }

    /** As above, starting from the live index's code size when the request carries live settings that fit the data. */
    static Plans plans(Request r, long rows, int dim) {
        List<IndexPlan> all = plans(r.type(), r.factory(), rows, dim, r.target());
        if (r.factory() != null) return new Plans(all, "operator");
        if (r.type() != IndexType.IVFPQ || r.target() == null || r.live() == null || !r.live().fits(rows, dim)) return new Plans(all, "recipe");
        List<IndexPlan> fromLive = IndexRecipe.fromLive(all, r.live().factory());
        if (fromLive.isEmpty()) return new Plans(all, "recipe");
        if (fromLive.size() < all.size()) {
            LOG.info("event=build_plan_from_live embeddings={} live_generation={} live_factory={} live_ntotal={} ntotal={} tried={} skipped={} "
                    + "reason=\"the live index of this key needed this code size on data of this shape; coarser codes are tried with --explore\"",
                    r.embeddings(), r.live().generationId(), r.live().factory(), r.live().ntotal(), rows,
                    fromLive.stream().map(IndexPlan::factory).toList(), all.subList(0, all.size() - fromLive.size()).stream().map(IndexPlan::factory).toList());
        }
        return new Plans(fromLive, "live");
    }

    /** Sets nprobe: fixed, tuned against the target (returned), or the plan's. Null when nothing was tuned. */
    /** @param liveNprobe where the search starts (an incremental build: the live index's), or 0 for the smallest */
    private static NprobeTuner.Tuning nprobe(Index index, NpyMatrix vectors, IndexPlan plan, Request r, int liveNprobe) {
        var info = index.info();
        if (!info.isIvf()) return null;
        if (r.nprobe() > 0 || r.target() == null) {
            index.setNprobe(r.nprobe() > 0 ? r.nprobe() : Math.max(1, plan.nprobe()));
            return null;
        }
        Target t = r.target();
        // tuned on queries that are not in the index, as the validator measures and the service searches (HeldOutRecall says why)
        try (HeldOutRecall newest = HeldOutRecall.newest(vectors, t.queries(), TUNING_SEED, t.k(), index.metric(), r.threads());
             Index probe = newest.probe(index)) {
            NprobeTuner.Tuning tuning = NprobeTuner.tune(probe, newest.meter(), (int) info.nlist(), Math.min(1.0, t.recall() + t.margin()),
                    t.maxMsPerQuery(), liveNprobe);
            index.setNprobe(tuning.nprobe());
            LOG.info("event=nprobe_tuned factory={} nprobe={} met={} recall_method=newest_held_out held_out_rows={} queries={} chosen=\"{}\" points=\"{}\"",
                    plan.factory(), tuning.nprobe(), tuning.met(), newest.split().heldOutRows(), newest.split().queryRows().length,
                    tuning.chosen(), tuning.points());
            return tuning;
        }
    }

    private static BuiltIndex write(Request request, Index index, IndexPlan plan, long trained, NpyMatrix vectors, long started,
                                    PhaseTimes times, String planSource, String kind, Supplier<RowsDigest> digests) throws IOException {
        // the written file is hashed while its pages are flushed to disk (the write's longest part, and idle CPU)
        String sha256 = times.time("write", () -> DurableFiles.replaceHashed(request.output(), index::write));
        RowsDigest rows = digests.get();
        String embeddingsSha256 = request.embeddingsSha256() != null ? request.embeddingsSha256() : rows.file();
        double seconds = (System.nanoTime() - started) / 1e9; // everything, the checksums included
        var info = index.info();
        return new BuiltIndex(request.output(), sha256, Files.size(request.output()), index.dimension(),
                index.ntotal(), plan.factory(), plan.metric(), (int) Math.max(0, info.nlist()), (int) Math.max(0, info.nprobe()),
                Math.max(0, info.pqM()), trained, seconds, ProcessMemory.peakRssBytes(), vectors.file(), embeddingsSha256,
                times.snapshot(), planSource, kind, rows.all());
    }

    /** Adds every vector, checked and in chunks straight from the mapping; room is reserved first where that helps. */
    public static void addAll(Index index, NpyMatrix vectors) {
        index.reserve(vectors.rows());
        vectors.forEachChunk(ADD_CHUNK_ROWS, (from, n, chunk) -> index.add(chunk, n));
    }

    /**
     * Returns the rows trained on. Trains on the rows before the tail the recall gate holds out (so its
     * queries are new to the quantizers, as the service's are): all of them in place when they fit the
     * budget, else a seeded random sample of them copied out.
     */
    public static long train(Index index, NpyMatrix vectors, long rows) {
        if (index.isTrained() || rows == 0) return 0;
        long trainable = HeldOutRecall.trainableRows(vectors.rows());
        if (rows >= trainable) {
            vectors.requireFinite(0, trainable);
            index.train(vectors.rows(0, trainable), trainable);
            return trainable;
        }
        try (Arena arena = Arena.ofConfined()) {
            long[] sample = RowSample.distinct(trainable, (int) rows, SAMPLE_SEED);
            MemorySegment training = vectors.gather(sample, arena);
            for (long row : sample) vectors.requireFinite(row, 1);
            index.train(training, rows);
            return rows;
        }
    }
}
