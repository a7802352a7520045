package dev.faissrebuild.deployer;

import dev.faissrebuild.deployer.backup.PreDeployBackup;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.events.GateResult;
import dev.faissrebuild.events.GateStatus;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.events.ValidationFigures;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Drives the real {@link Deployment} with real events for tests: writes real indices to staging, says
 * what the validator said about each, and lets the deployment decide (no Kafka).
 */
public final class DeploymentHarness {
    /** What the validator said about a staged index. */
    public enum Verdict {
        VALIDATED,
        /** validated with validation.enabled = false: only the structure gate ran */
        NOT_QUALITY_CHECKED,
        REJECTED_BY_RECALL,
        REJECTED_BY_STRUCTURE,
        /** validated, but the builder's report says one vector more than the file holds: the post-deploy verification fails */
        MISREPORTED_NTOTAL
    }

    private final IndicesLayout layout;
    private final Deployment deployment;

    public DeploymentHarness(IndicesLayout layout, Path embeddingsDir, PreDeployBackup backup) {
        this(layout, embeddingsDir, backup, DeployPolicy.SAFE);
    }

    public DeploymentHarness(IndicesLayout layout, Path embeddingsDir, PreDeployBackup backup, DeployPolicy policy) {
        this.layout = layout;
        this.deployment = new Deployment(layout, embeddingsDir, TestGenerations.KEYS, 5, Duration.ofSeconds(10), backup, policy);
    }

    /** A rebuild of {@code rebuilt} keys, every one validated; returns what the deployer would publish. */
    public List<SpecificRecord> deploy(String rebuildId, List<IndexKey> rebuilt, long seed) throws Exception {
        Map<IndexKey, Verdict> verdicts = new LinkedHashMap<>();
        rebuilt.forEach(k -> verdicts.put(k, Verdict.VALIDATED));
        return deploy(rebuildId, verdicts, seed);
    }

    /** A rebuild of the keys of {@code verdicts}, each judged as given. */
    public List<SpecificRecord> deploy(String rebuildId, Map<IndexKey, Verdict> verdicts, long seed) throws Exception {
        Instant now = Instant.now();
        List<String> keys = verdicts.keySet().stream().map(IndexKey::toString).toList();
        Map<IndexKey, SpecificRecord> outcomes = new LinkedHashMap<>();
        verdicts.forEach((key, verdict) -> outcomes.put(key, outcome(built(rebuildId, key, keys, seed, now, verdict), verdict, now)));
        List<IndexKey> sorted = verdicts.keySet().stream().sorted().toList();
        var ref = new DeployStep.RebuildRef(rebuildId, sorted.getFirst(), sorted, outcomes.get(sorted.getFirst()));
        return deployment.decide(ref, outcomes);
    }

    private IndexBuilt built(String rebuildId, IndexKey key, List<String> keys, long seed, Instant now, Verdict verdict) {
        int rows = 200 + (int) (seed % 50);
        Path staged = TestGenerations.writeIndex(layout.staging(rebuildId).resolve(key.fileName()), key, rows, seed * 31 + key.hashCode());
        try {
            return IndexBuilt.newBuilder().setRebuildId(rebuildId).setIndexKey(key.toString()).setRebuildKeys(keys)
                    .setTrigger(TriggerType.MANUAL).setRequestedAt(now).setStagedPath(ConfinedPaths.relative(layout.root(), staged))
                    .setSha256(Sha256.of(staged)).setSizeBytes(Files.size(staged)).setDimension(TestGenerations.DIM)
                    .setNtotal(verdict == Verdict.MISREPORTED_NTOTAL ? rows + 1 : rows)
                    .setFactory(key.type().isExact() ? "Flat" : "IVF4,Flat").setMetric("inner_product").setNlist(key.type().isExact() ? 0 : 4)
                    .setNprobe(key.type().isExact() ? 0 : 4).setPqM(0).setTrainingRows(rows).setBuildSeconds(0.1).setPeakRssBytes(1L)
                    .setEmbeddingsPath(key.embeddingsFileName()).setEmbeddingsSha256("00".repeat(32)).setEmbeddingsRows(rows)
                    .setBuiltAt(now).build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static SpecificRecord outcome(IndexBuilt b, Verdict verdict, Instant now) {
        ValidationFigures figures = new ValidationFigures(10, 5, verdict == Verdict.REJECTED_BY_RECALL ? 0.5 : 1.0, 1.0, 0.1, 0.1, 0.1, 0.1);
        return switch (verdict) {
            case VALIDATED, NOT_QUALITY_CHECKED, MISREPORTED_NTOTAL -> IndexValidated.newBuilder().setRebuildId(b.getRebuildId())
                    .setIndexKey(b.getIndexKey()).setRebuildKeys(b.getRebuildKeys()).setTrigger(TriggerType.MANUAL).setRequestedAt(now)
                    .setBuilt(b).setGates(List.of()).setFigures(figures).setNprobe(b.getNprobe()).setValidationSeconds(0.1)
                    .setValidatedAt(now).setQualityChecked(verdict != Verdict.NOT_QUALITY_CHECKED).build();
            case REJECTED_BY_RECALL -> rejected(b, figures, "recall", "rejected by the recall gate: recall@10 0.5000 ...; minimum 0.9500", now);
            case REJECTED_BY_STRUCTURE -> rejected(b, null, "structure", "rejected by the structure gate: holds 3 vectors, the embeddings have 4", now);
        };
    }

    private static IndexRejected rejected(IndexBuilt b, ValidationFigures figures, String gate, String reason, Instant now) {
        return IndexRejected.newBuilder().setRebuildId(b.getRebuildId()).setIndexKey(b.getIndexKey()).setRebuildKeys(b.getRebuildKeys())
                .setTrigger(TriggerType.MANUAL).setRequestedAt(now).setBuilt(b)
                .setGates(List.of(new GateResult(gate, GateStatus.FAILED, null, null, reason))).setFigures(figures)
                .setFirstFailedGate(gate).setReason(reason).setValidationSeconds(0.1).setRejectedAt(now).build();
    }
}
