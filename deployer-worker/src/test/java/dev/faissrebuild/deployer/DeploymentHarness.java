package dev.faissrebuild.deployer;

import dev.faissrebuild.deployer.backup.PreDeployBackup;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.events.IndexBuilt;
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
 * they were validated, and lets the deployment decide (no Kafka).
 */
public final class DeploymentHarness {
    private final IndicesLayout layout;
    private final Deployment deployment;

    public DeploymentHarness(IndicesLayout layout, Path embeddingsDir, PreDeployBackup backup) {
        this.layout = layout;
        this.deployment = new Deployment(layout, embeddingsDir, TestGenerations.KEYS, 5, Duration.ofSeconds(10), backup);
    }

    /** A rebuild of {@code rebuilt} keys, every one validated; returns what the deployer would publish. */
    public List<SpecificRecord> deploy(String rebuildId, List<IndexKey> rebuilt, long seed) throws Exception {
        Instant now = Instant.now();
        Map<IndexKey, SpecificRecord> outcomes = new LinkedHashMap<>();
        List<String> keys = rebuilt.stream().map(IndexKey::toString).toList();
        for (IndexKey key : rebuilt) {
            int rows = 200 + (int) (seed % 50);
            Path staged = TestGenerations.writeIndex(layout.staging(rebuildId).resolve(key.fileName()), key, rows, seed * 31 + key.hashCode());
            IndexBuilt built = IndexBuilt.newBuilder().setRebuildId(rebuildId).setIndexKey(key.toString()).setRebuildKeys(keys)
                    .setTrigger(TriggerType.MANUAL).setRequestedAt(now).setStagedPath(ConfinedPaths.relative(layout.root(), staged))
                    .setSha256(Sha256.of(staged)).setSizeBytes(Files.size(staged)).setDimension(TestGenerations.DIM).setNtotal(rows)
                    .setFactory(key.type().isExact() ? "Flat" : "IVF4,Flat").setMetric("inner_product").setNlist(key.type().isExact() ? 0 : 4)
                    .setNprobe(key.type().isExact() ? 0 : 4).setPqM(0).setTrainingRows(rows).setBuildSeconds(0.1).setPeakRssBytes(1L)
                    .setEmbeddingsPath(key.embeddingsFileName()).setEmbeddingsSha256("00".repeat(32)).setEmbeddingsRows(rows)
                    .setBuiltAt(now).build();
            outcomes.put(key, IndexValidated.newBuilder().setRebuildId(rebuildId).setIndexKey(key.toString()).setRebuildKeys(keys)
                    .setTrigger(TriggerType.MANUAL).setRequestedAt(now).setBuilt(built).setGates(List.of())
                    .setFigures(new ValidationFigures(10, 5, 1.0, 1.0, 0.1, 0.1, 0.1, 0.1)).setNprobe(key.type().isExact() ? 0 : 4)
                    .setValidationSeconds(0.1).setValidatedAt(now).build());
        }
        var ref = new DeployStep.RebuildRef(rebuildId, rebuilt.getFirst(), rebuilt.stream().sorted().toList(), outcomes.get(rebuilt.getFirst()));
        return deployment.decide(ref, outcomes);
    }
}
