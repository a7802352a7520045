package dev.faissrebuild.validator;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.GateResult;
import dev.faissrebuild.events.GateStatus;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.ValidationFigures;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.cancel.Supervisions;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.EmbeddingsSnapshot;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.loop.EventProcessor;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.loop.PermanentFailure;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import dev.faissrebuild.store.ChecksumMismatchException;
import dev.faissrebuild.store.StagedArtifacts;
import dev.faissrebuild.store.StoredEmbeddings;
import dev.faissrebuild.validator.run.ChildValidation;
import dev.faissrebuild.validator.run.ValidationRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validator worker's logic: an IndexBuilt in, the gates run on the staged file, an IndexValidated
 * or IndexRejected out. BuildFailed events on the same topic are not the validator's business.
 */
public final class ValidateStep implements EventProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ValidateStep.class);
    private final Path embeddingsDir;
    private final IndicesLayout indices;
    private final IndexValidator validator;
    private final ValidationSettings settings;
    private final ValidationRunner runner;
    private final Supervisions supervisions;
    private final IndexMetrics metrics;
    private StagedArtifacts artifacts;
    private java.util.Optional<StoredEmbeddings> storedEmbeddings = java.util.Optional.empty();
    private MemoryBudget budget = MemoryBudget.ofGb(0);

    /**
     * @param runner where the gates run: a child JVM per validation in the worker ({@link ChildValidation})
     * @param supervisions the time limit of a validation and the cancellations
     */
    public ValidateStep(Path embeddingsDir, IndicesLayout indices, ValidationSettings settings, IndexMetrics metrics, ValidationRunner runner,
                        Supervisions supervisions) {
        this.embeddingsDir = embeddingsDir;
        this.supervisions = supervisions;
        this.indices = indices;
        this.artifacts = StagedArtifacts.local(indices);
        this.validator = new IndexValidator(settings);
        this.settings = settings;
        this.runner = runner;
        this.metrics = metrics;
    }

    /** {@code rebuild.max_memory_gb}, shared with the builds on this host ({@link MemoryBudget#onHost}); none by default. */
    /** {@code artifacts.store}: a staged file built on another machine is downloaded (and verified) before it is judged. */
    public ValidateStep withArtifacts(StagedArtifacts artifacts) {
        this.artifacts = artifacts;
        return this;
    }

    /** {@code paths.embeddings_dir = s3://...}: the embeddings are brought into the local cache before the gates read them. */
    public ValidateStep withStoredEmbeddings(java.util.Optional<StoredEmbeddings> stored) {
        this.storedEmbeddings = stored;
        return this;
    }

    public ValidateStep withMemoryBudget(MemoryBudget budget) {
        this.budget = budget;
        return this;
    }

    @Override
    public List<Outgoing> process(Incoming in) throws PermanentFailure, InterruptedException {
        if (in.event() instanceof BuildFailed) return List.of();
        if (!(in.event() instanceof IndexBuilt built)) {
            throw new PermanentFailure("validator expects IndexBuilt, got " + in.event().getSchema().getName());
        }
        IndexKey key = checkedKey(in.key(), built);
        Candidate candidate;
        Path staged;
        try {
            staged = artifacts.local(built.getStagedPath(), built.getSha256());
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("IndexBuilt for " + built.getIndexKey() + " is not valid: " + e.getMessage(), e);
        } catch (java.nio.file.NoSuchFileException | ChecksumMismatchException e) {
            ValidationOutcome refused = validator.refused("the staged file cannot be had: " + e.getMessage());
            return List.of(new Outgoing(Topics.INDEX_VALIDATED, key.toString(), toEvent(built, refused, 0)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("staged file " + built.getStagedPath() + " not downloaded: " + e.getMessage(), e); // retried
        }
        try {
            // the staged file's checksum is verified once, by the deployer, before it publishes: a file changed after
            // the build is refused there whatever the gates found (a downloaded one was verified as it arrived)
            candidate = new Candidate(built.getIndexKey(), key.type(), staged,
                    null, ConfinedPaths.resolve(embeddingsDir, built.getEmbeddingsPath()), baseline(key, built));
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("IndexBuilt for " + built.getIndexKey() + " is not valid: " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        ValidationOutcome outcome = judge(candidate, built);
        double seconds = (System.nanoTime() - started) / 1e9;
        metrics.candidate(key, outcome.figures(), built.getNtotal());
        return List.of(new Outgoing(Topics.INDEX_VALIDATED, key.toString(), toEvent(built, outcome, seconds)));
    }

    /**
     * The gates, on the embeddings the index was built from: the file must still have the builder's
     * sha256 when validation starts and must not change while it runs, or the figures would describe
     * other data. When it is still the very file the builder hashed (same machine, boot, inode, size and
     * modification time) the builder's checksum is taken; otherwise it is hashed again.
     */
    private ValidationOutcome judge(Candidate candidate, IndexBuilt built) throws InterruptedException {
        EmbeddingsSnapshot source;
        try {
            if (storedEmbeddings.isPresent()) storedEmbeddings.get().fetch(built.getEmbeddingsPath());
        } catch (java.io.IOException e) {
            return validator.refused("embeddings " + built.getEmbeddingsPath() + " cannot be had from " + storedEmbeddings.get().describe() + ": " + e.getMessage());
        }
        try {
            source = EmbeddingsSnapshot.take(embeddingsDir, candidate.embeddings(), built.getEmbeddingsSha256(), built.getEmbeddingsIdentity());
        } catch (IllegalArgumentException e) {
            return validator.refused(e.getMessage());
        }
        if (!source.sha256().equals(built.getEmbeddingsSha256())) {
            return validator.refused("embeddings file " + source.file() + " changed since the build (sha256 " + source.sha256().substring(0, 12)
                    + "…, built from " + built.getEmbeddingsSha256().substring(0, Math.min(12, built.getEmbeddingsSha256().length())) + "…)");
        }
        var cancelled = supervisions.cancelled(built.getRebuildId(), built.getIndexKey());
        if (cancelled.isPresent()) return validator.refused("not validated: " + cancelled.get());
        // a rebuild asked with --skip-validation (allowed only while rebuild.require_validation_pass is false): integrity only
        ValidationOutcome outcome;
        String work = built.getRebuildId() + "/" + built.getIndexKey();
        try (MemoryBudget.Reservation r = budget.reserve(work, reservation(candidate))) {
            outcome = runner.validate(candidate, built.getSkipValidation() ? settings.withoutQualityGates() : settings,
                    work, supervisions.start(built.getRebuildId(), built.getIndexKey()).memoryLimit(memoryLimit(candidate)));
        } finally {
            supervisions.done(built.getRebuildId(), built.getIndexKey());
        }
        return source.changedSince().map(change -> validator.refused("embeddings file " + source.file() + " changed while validating: "
                + change + "; the figures are discarded")).orElse(outcome);
    }

    /**
     * What the validation reserves of {@code rebuild.max_memory_gb}, beside the builds and validations on
     * this host: its estimate. One whose estimate alone exceeds the budget is not refused (its index is built
     * and waits for a verdict): it reserves the whole budget, so it runs when nothing else holds any, alone.
     */
    private long reservation(Candidate candidate) {
        if (!budget.limited()) return 0;
        long estimate;
        try {
            estimate = ValidationMemory.estimate(candidate);
        } catch (java.io.UncheckedIOException e) {
            return 0; // the gates say why the files cannot be read
        }
        if (budget.admits(estimate)) return estimate;
        LOG.warn("event=validation_over_budget index={} estimate_bytes={} budget=\"{}\" note=\"runs alone, when nothing else holds the budget\"",
                candidate.label(), estimate, budget.describe());
        return budget.bytes();
    }

    /** The child's hard limit from the validation's estimate; none when the files cannot be sized (the gates say why). */
    private long memoryLimit(Candidate candidate) {
        try {
            long limit = ValidationMemory.allowance(candidate, settings.threads());
            LOG.info("event=validation_admitted index={} estimate_bytes={} memory_limit_bytes={}", candidate.label(),
                    ValidationMemory.estimate(candidate), limit);
            return limit;
        } catch (java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** The ids are checked before anything is read: the record key, the index key, the rebuild id and its keys must agree. */
    private static IndexKey checkedKey(String recordKey, IndexBuilt built) throws PermanentFailure {
        try {
            IndexKey key = IndexKey.parse(built.getIndexKey());
            ConfinedPaths.requireSimpleName(built.getRebuildId(), "rebuild id");
            if (!key.toString().equals(recordKey)) throw new IllegalArgumentException("record key '" + recordKey + "' names another index");
            if (!built.getRebuildKeys().contains(key.toString())) throw new IllegalArgumentException("not one of its rebuild's keys " + built.getRebuildKeys());
            return key;
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("IndexBuilt for " + built.getIndexKey() + " is not valid: " + e.getMessage(), e);
        }
    }

    /** A refused IndexBuilt still ends its index: an IndexRejected saying why, so the rebuild reaches a verdict. */
    @Override
    public List<Outgoing> onDeadLetter(Incoming in, String reason) {
        if (!(in.event() instanceof IndexBuilt built)) return List.of();
        try {
            IndexKey key = IndexKey.parse(built.getIndexKey());
            ConfinedPaths.requireSimpleName(built.getRebuildId(), "rebuild id");
            if (built.getRebuildKeys().isEmpty()) return List.of();
            return List.of(new Outgoing(Topics.INDEX_VALIDATED, key.toString(),
                    toEvent(built, validator.refused("the IndexBuilt event was refused: " + reason), 0)));
        } catch (IllegalArgumentException e) {
            return List.of(); // nothing names a rebuild to settle
        }
    }

    private org.apache.avro.specific.SpecificRecord toEvent(IndexBuilt b, ValidationOutcome outcome, double seconds) {
        List<GateResult> gates = outcome.gates().stream().map(ValidateStep::gate).toList();
        ValidationFigures figures = figures(outcome.figures());
        return switch (outcome) {
            case ValidationOutcome.Validated v -> {
                log(b, v, seconds);
                yield IndexValidated.newBuilder().setQualityChecked(v.qualityChecked()).setRebuildId(b.getRebuildId()).setIndexKey(b.getIndexKey())
                        .setRebuildKeys(b.getRebuildKeys()).setTrigger(b.getTrigger()).setRequestedAt(b.getRequestedAt())
                        .setBuilt(b).setGates(gates).setFigures(figures).setNprobe(b.getNprobe())
                        .setValidationSeconds(seconds).setValidatedAt(Instant.now()).build();
            }
            case ValidationOutcome.Rejected r -> {
                LOG.warn("event=index_rejected rebuild={} index={} gate={} reason=\"{}\" msg=\"Validation failed\"", b.getRebuildId(), b.getIndexKey(),
                        r.firstFailedGate(), r.reason());
                yield IndexRejected.newBuilder().setRebuildId(b.getRebuildId()).setIndexKey(b.getIndexKey())
                        .setRebuildKeys(b.getRebuildKeys()).setTrigger(b.getTrigger()).setRequestedAt(b.getRequestedAt())
                        .setBuilt(b).setGates(gates).setFigures(figures).setFirstFailedGate(r.firstFailedGate())
                        .setReason(r.reason()).setValidationSeconds(seconds).setRejectedAt(Instant.now()).build();
            }
        };
    }

    private static void log(IndexBuilt b, ValidationOutcome.Validated v, double seconds) {
        if (v.qualityChecked()) {
            LOG.info("event=index_validated rebuild={} index={} recall_at_k={} p99_ms={} seconds={}", b.getRebuildId(),
                    b.getIndexKey(), v.figures().recallAtK(), v.figures().latencyP99Ms(), String.format("%.2f", seconds));
        } else {
            LOG.warn("event=index_validated rebuild={} index={} quality_checked=false seconds={} reason=\"{}: only the structure gate ran; "
                    + "the index was not quality-checked\"", b.getRebuildId(), b.getIndexKey(), String.format("%.2f", seconds),
                    ValidationSettings.DISABLED);
        }
    }

    /** The live index of the same key, for the regression gate; null when no generation is live or it lacks the key. */
    private Candidate.Baseline baseline(IndexKey key, IndexBuilt built) {
        return Candidate.Baseline.live(indices, key, built.getEmbeddingsSha256());
    }

    static GateResult gate(Gate g) {
        return GateResult.newBuilder().setGate(g.name()).setStatus(GateStatus.valueOf(g.status().name()))
                .setFigure(g.figure()).setThreshold(g.threshold()).setDetail(g.detail()).build();
    }

    static ValidationFigures figures(Figures f) {
        return ValidationFigures.newBuilder().setK(f.k()).setQueries(f.queries()).setRecallAtK(f.recallAtK())
                .setOneRecallAt1(f.oneRecallAt1()).setLatencyP50Ms(f.latencyP50Ms()).setLatencyP95Ms(f.latencyP95Ms())
                .setLatencyP99Ms(f.latencyP99Ms()).setBatchLatencyP99Ms(f.batchLatencyP99Ms()).build();
    }
}
