package dev.faissrebuild.builder;

import dev.faissrebuild.builder.run.BuildOutcome;
import dev.faissrebuild.builder.run.BuildRunner;
import dev.faissrebuild.builder.run.ChildProcessBuildRunner;
import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.cancel.Supervisions;
import dev.faissrebuild.runtime.child.JobProgress;
import dev.faissrebuild.runtime.child.MemoryFence;
import dev.faissrebuild.runtime.child.ResourceUsage;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.store.StagedArtifacts;
import dev.faissrebuild.store.StoredEmbeddings;
import dev.faissrebuild.runtime.files.EmbeddingsSnapshot;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.loop.EventProcessor;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.loop.PermanentFailure;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import dev.faissrebuild.vectors.NpyMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The builder worker's logic: a RebuildRequested in, the staged index file written to
 * {@code indices/staging/<rebuild-id>/}, an IndexBuilt or BuildFailed out. A bad embeddings file is an
 * outcome (BuildFailed naming the file and the problem), not an error of the worker; so is a build whose
 * estimated memory alone exceeds {@code rebuild.max_memory_gb} (OUT_OF_MEMORY). A build that fits the
 * budget alone but not beside the running ones waits for them ({@link MemoryBudget}). Each build runs
 * in a child process of its own ({@link BuildRunner}): its death is that build's failure, not the worker's.
 */
public final class BuildStep implements EventProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(BuildStep.class);
    private final Path embeddingsDir;
    private final IndicesLayout indices;
    private final int threads;
    private final IndexBuilder.Target target;
    private final BuildMetrics metrics;
    private final MemoryBudget budget;
    private final BuildRunner runner;
    private final Supervisions supervision;
    private volatile java.util.function.Consumer<Outgoing> progress = o -> { };
    private volatile double incrementalMaxGrowth = -1;
    private StagedArtifacts artifacts;
    private java.util.Optional<StoredEmbeddings> storedEmbeddings = java.util.Optional.empty();

    /**
     * @param runner where builds run: a child process per build in the worker ({@link ChildProcessBuildRunner})
     * @param supervision the time limit of a build and the cancellations
     */
    public BuildStep(Path embeddingsDir, IndicesLayout indices, int threads, IndexBuilder.Target target, BuildMetrics metrics,
                     MemoryBudget budget, BuildRunner runner, Supervisions supervision) {
        this.embeddingsDir = embeddingsDir;
        this.runner = runner;
        this.supervision = supervision;
        this.budget = budget;
        this.target = target;
        this.indices = indices;
        this.threads = threads;
        this.metrics = metrics;
        this.artifacts = StagedArtifacts.local(indices);
    }

    /** {@code paths.embeddings_dir = s3://...}: the embeddings file is brought into the local cache before each build. */
    public BuildStep withStoredEmbeddings(java.util.Optional<StoredEmbeddings> stored) {
        this.storedEmbeddings = stored;
        return this;
    }

    /** {@code artifacts.store}: every staged file is uploaded there before its IndexBuilt goes out. */
    public BuildStep withArtifacts(StagedArtifacts artifacts) {
        this.artifacts = artifacts;
        return this;
    }

    /** Where the running builds' progress goes (advisory events, published outside the transaction of the result). */
    public BuildStep withProgress(java.util.function.Consumer<Outgoing> sink) {
        this.progress = sink;
        return this;
    }

    /** {@code rebuild.incremental_max_growth}: appended files up to this share of new rows are built from the live index. */
    public BuildStep withIncrementalMaxGrowth(double share) {
        this.incrementalMaxGrowth = share > 0 ? share : -1;
        return this;
    }

    @Override
    public List<Outgoing> process(Incoming in) throws PermanentFailure, InterruptedException {
        if (!(in.event() instanceof RebuildRequested request)) {
            throw new PermanentFailure("builder expects RebuildRequested, got " + in.event().getSchema().getName());
        }
        IndexKey key = RequestChecks.key(in.key(), request);
        Path embeddings = embeddingsDir.resolve(key.embeddingsFileName());
        var cancelled = supervision.cancelled(request.getRebuildId(), key.toString());
        if (cancelled.isPresent()) return failed(request, key, FailureKind.CANCELLED, "not built: " + cancelled.get(), embeddings, 0);
        var notFetched = fetchEmbeddings(key.embeddingsFileName());
        if (notFetched.isPresent()) return failed(request, key, notFetched.get().kind(), notFetched.get().reason(), embeddings, 0);
        Path output;
        try {
            output = indices.staging(request.getRebuildId()).resolve(key.fileName());
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure(e.getMessage(), e);
        }
        EmbeddingsSnapshot source;
        BuildAdmission.Admitted admitted;
        try {
            // before anything opens it (a FIFO would block the reader); the build hashes it, in the read it makes anyway
            source = EmbeddingsSnapshot.unhashed(embeddingsDir, embeddings);
            long[] shape = shape(embeddings);
            String noSpace = StagingSpace.problem(output, StagingSpace.fileBytes(IndexBuilder.plans(key.type(), request.getFactory(),
                    shape[0], (int) shape[1], target), shape[0], (int) shape[1]));
            if (noSpace != null) return failed(request, key, FailureKind.IO_ERROR, noSpace, embeddings, 0);
            admitted = BuildAdmission.admit(key, request.getFactory(), shape[0], (int) shape[1], target, budget);
        } catch (BuildAdmission.OverBudget e) {
            return failed(request, key, FailureKind.OUT_OF_MEMORY, e.getMessage(), embeddings, 0);
        } catch (InvalidEmbeddingsException | IllegalArgumentException e) {
            return failed(request, key, FailureKind.INVALID_INPUT, e.getMessage(), embeddings, 0);
        }
        try (MemoryBudget.Reservation r = budget.reserve(request.getRebuildId() + "/" + key, admitted.bytes())) {
            return build(request, key, source, output, admitted);
        }
    }

    /**
     * The child's hard memory allowance, beyond what its JVM needs to exist: twice its estimate (a planning
     * figure, not a promise), the mapped embeddings file (address space) and a stack per FAISS thread; a
     * build far past its estimate is a runaway and fails alone as OUT_OF_MEMORY.
     */
    public static long allowance(long estimateBytes, long embeddingsFileBytes, int threads) {
        return 2 * estimateBytes + embeddingsFileBytes + threads * MemoryFence.PER_THREAD_BYTES;
    }

    private List<Outgoing> build(RebuildRequested request, IndexKey key, EmbeddingsSnapshot source, Path output, BuildAdmission.Admitted admitted) {
        IndexBuilder.Target target = admitted.target();
        Path embeddings = source.file();
        LOG.info("event=build_started rebuild={} index={} embeddings={} threads={}", request.getRebuildId(), key, embeddings, threads);
        BuildOutcome outcome;
        try {
            outcome = runner.run(new IndexBuilder.Request(embeddings, key.type(), request.getFactory(), 0, output, threads, target,
                    source.sha256(), live(request, key), request.getFull() ? -1 : incrementalMaxGrowth), request.getRebuildId() + "/" + key, supervision.start(request.getRebuildId(), key.toString())
                    .memoryLimit(allowance(admitted.bytes(), source.size(), threads)).onProgress(progressOf(request, key)));
        } finally {
            supervision.done(request.getRebuildId(), key.toString());
        }
        metrics.record(key, outcome.usage());
        ResourceUsage u = outcome.usage();
        var changed = source.changedSince();
        if (changed.isPresent()) return discarded(request, key, embeddings, output, changed.get(), outcome);
        return switch (outcome) {
            case BuildOutcome.Built b -> {
                BuiltIndex i = b.index();
                LOG.info("event=build_succeeded rebuild={} index={} kind={} factory={} plan_source={} ntotal={} d={} seconds={} phases=\"{}\" "
                                + "size_bytes={} memory_peak_bytes={} cpu_seconds={} process_seconds={}", request.getRebuildId(), key,
                        i.buildKind(), i.factory(), i.planSource(), i.ntotal(), i.dimension(), String.format("%.2f", i.buildSeconds()),
                        PhaseTimes.format(i.phaseSeconds()), i.sizeBytes(), u.peakRssBytes(), String.format("%.2f", u.cpuSeconds()),
                        String.format("%.2f", u.wallSeconds()));
                IndexBuilt event = built(request, i, source.identity());
                String notUploaded = upload(event);
                if (notUploaded != null) yield failed(request, key, FailureKind.IO_ERROR, notUploaded, embeddings, u.wallSeconds());
                yield List.of(new Outgoing(Topics.INDEX_BUILT, key.toString(), event));
            }
            case BuildOutcome.Failed f -> failed(request, key, f.kind(), f.reason(), embeddings, u.wallSeconds());
        };
    }

    private record NotFetched(FailureKind kind, String reason) {}

    /** The embeddings from object storage into the local cache, when they live there; why not, if they cannot be had. */
    private java.util.Optional<NotFetched> fetchEmbeddings(String name) {
        if (storedEmbeddings.isEmpty()) return java.util.Optional.empty();
        try {
            storedEmbeddings.get().fetch(name);
            return java.util.Optional.empty();
        } catch (java.nio.file.NoSuchFileException | dev.faissrebuild.store.ChecksumMismatchException e) {
            return java.util.Optional.of(new NotFetched(FailureKind.INVALID_INPUT, "embeddings " + name + " cannot be had: " + e.getMessage()));
        } catch (IOException e) {
            return java.util.Optional.of(new NotFetched(FailureKind.IO_ERROR, "embeddings " + name + " not downloaded from "
                    + storedEmbeddings.get().describe() + ": " + e.getMessage()));
        }
    }

    /** Puts the staged file in the artifact store (validators and the deployer may be on other machines); null when done. */
    private String upload(IndexBuilt event) {
        try {
            artifacts.upload(event.getStagedPath(), event.getSha256());
            return null;
        } catch (IOException e) {
            return "the staged file " + event.getStagedPath() + " could not be uploaded to the artifact store: " + e.getMessage();
        }
    }

    /** The live index's settings for the key, unless the request asks to explore every candidate ({@code --explore}). */
    private LiveSettings live(RebuildRequested request, IndexKey key) {
        return request.getExplore() ? null : LiveSettings.of(indices, key).orElse(null);
    }

    private java.util.function.Consumer<JobProgress.Step> progressOf(RebuildRequested request, IndexKey key) {
        BuildProgressMeter meter = new BuildProgressMeter(request.getRebuildId(), key, java.time.Clock.systemUTC());
        return step -> {
            var event = meter.next(step);
            if (event != null) progress.accept(new Outgoing(Topics.BUILD_PROGRESS, key.toString(), event));
        };
    }

    /** N and d from the file's header (the vectors themselves are not read here). */
    private static long[] shape(Path embeddings) {
        try (NpyMatrix m = NpyMatrix.open(embeddings)) {
            return new long[] {m.rows(), m.dim()};
        }
    }

    /** The embeddings changed under the build: whatever it made is thrown away, and the failure says why. */
    private List<Outgoing> discarded(RebuildRequested request, IndexKey key, Path embeddings, Path output, String change, BuildOutcome outcome) {
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            LOG.warn("event=staged_file_not_removed rebuild={} index={} file={} error=\"{}\"", request.getRebuildId(), key, output, e.toString());
        }
        String how = outcome instanceof BuildOutcome.Failed f ? " (the build itself: " + f.reason() + ")" : "";
        return failed(request, key, FailureKind.INVALID_INPUT, "embeddings file " + embeddings + " changed while building: " + change
                + "; the build is discarded" + how, embeddings, outcome.usage().wallSeconds());
    }

    /** A refused request still ends its index: a BuildFailed saying why, so the rebuild reaches a verdict. */
    @Override
    public List<Outgoing> onDeadLetter(Incoming in, String reason) {
        if (!(in.event() instanceof RebuildRequested r) || !RequestChecks.identifiesItsRebuild(r)) return List.of();
        return failed(r, IndexKey.parse(r.getIndexKey()), FailureKind.INVALID_INPUT, "the request was refused: " + reason,
                embeddingsDir.resolve(IndexKey.parse(r.getIndexKey()).embeddingsFileName()), 0);
    }

    private IndexBuilt built(RebuildRequested r, BuiltIndex b, String identity) {
        return IndexBuilt.newBuilder()
                .setRebuildId(r.getRebuildId()).setIndexKey(r.getIndexKey()).setRebuildKeys(r.getRebuildKeys()).setCommandId(r.getCommandId())
                .setTrigger(r.getTrigger()).setRequestedAt(r.getRequestedAt())
                .setStagedPath(ConfinedPaths.relative(indices.root(), b.path())).setSha256(b.sha256())
                .setSizeBytes(b.sizeBytes()).setDimension(b.dimension()).setNtotal(b.ntotal()).setFactory(b.factory())
                .setMetric(b.metric().label()).setNlist(b.nlist()).setNprobe(b.nprobe()).setPqM(b.pqM())
                .setTrainingRows(b.trainingRows()).setBuildSeconds(b.buildSeconds()).setPeakRssBytes(b.peakRssBytes())
                .setEmbeddingsPath(ConfinedPaths.relative(embeddingsDir, b.embeddings())).setEmbeddingsSha256(b.embeddingsSha256())
                .setEmbeddingsRows(b.ntotal()).setBuiltAt(Instant.now()).setSkipValidation(r.getSkipValidation())
                .setPhaseSeconds(java.util.Map.copyOf(b.phaseSeconds())).setPlanSource(b.planSource())
                .setBuildKind(b.buildKind()).setRowsSha256(b.rowsSha256()).setEmbeddingsIdentity(identity)
                .build();
    }

    private List<Outgoing> failed(RebuildRequested r, IndexKey key, FailureKind kind, String reason, Path embeddings, double seconds) {
        LOG.warn("event=build_failed rebuild={} index={} kind={} reason=\"{}\"", r.getRebuildId(), key, kind, reason);
        BuildFailed failed = BuildFailed.newBuilder()
                .setRebuildId(r.getRebuildId()).setIndexKey(r.getIndexKey()).setRebuildKeys(r.getRebuildKeys()).setCommandId(r.getCommandId())
                .setTrigger(r.getTrigger()).setRequestedAt(r.getRequestedAt()).setKind(kind).setReason(reason)
                .setEmbeddingsPath(embeddings.toString()).setBuildSeconds(seconds).setFailedAt(Instant.now())
                .build();
        return List.of(new Outgoing(Topics.INDEX_BUILT, key.toString(), failed));
    }
}
