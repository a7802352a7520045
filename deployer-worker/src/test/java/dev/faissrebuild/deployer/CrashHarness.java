package dev.faissrebuild.deployer;

import dev.faissrebuild.events.GateResult;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.events.ValidationFigures;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.deployer.backup.BackupId;
import dev.faissrebuild.deployer.backup.BackupRestore;
import dev.faissrebuild.deployer.backup.BackupRetention;
import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.deployer.backup.PreDeployBackup;
import dev.faissrebuild.deployer.maintenance.Cleanup;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.util.Optional;
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
 * A deployer operation as a process of its own, for the crash tests: run with
 * {@code -Dfaiss.crash.at=<point>} it halts at that point like a SIGKILL.
 * <pre>deploy|deploy-with-backup &lt;indices&gt; &lt;embeddings&gt; &lt;rebuild-id&gt;
 * backup|rollback|cleanup &lt;indices&gt; &lt;embeddings&gt;
 * restore &lt;indices&gt; &lt;embeddings&gt; &lt;backup-id&gt;</pre>
 */
public final class CrashHarness {
    private CrashHarness() {}

    public static void main(String[] args) throws Exception {
        IndicesLayout layout = new IndicesLayout(Path.of(args[1]));
        Path embeddings = Path.of(args[2]);
        switch (args[0]) {
            case "deploy" -> System.out.println(deploy(layout, embeddings, args[3]).getLast().getSchema().getName());
            case "deploy-with-backup" -> System.out.println(deploy(layout, embeddings, args[3], true).getLast().getSchema().getName());
            case "backup" -> {
                try (IndicesLock lock = lock(layout)) {
                    System.out.println(backups(layout).create(lock, layout.liveGenerationId().orElseThrow(), Instant.now()).backup().id());
                }
            }
            case "restore" -> {
                try (IndicesLock lock = lock(layout)) {
                    new BackupRestore(backups(layout)).restore(lock, BackupId.parse(args[3]), LiveExpectation.any(), Instant.now());
                }
            }
            case "rollback" -> {
                try (IndicesLock lock = lock(layout)) {
                    new Rollback(layout).run(lock, Optional.empty(), LiveExpectation.any(), "crash test");
                }
            }
            case "cleanup" -> {
                try (IndicesLock lock = lock(layout)) {
                    new Cleanup(layout, Duration.ofHours(1)).run(lock, 1, Instant.now());
                }
            }
            default -> throw new IllegalArgumentException("unknown operation " + args[0]);
        }
    }

    /** Deploys the staged files of {@code rebuildId} (every index validated) as the deployer would. */
    static List<SpecificRecord> deploy(IndicesLayout layout, Path embeddings, String rebuildId) throws Exception {
        return deploy(layout, embeddings, rebuildId, false);
    }

    static BackupStore backups(IndicesLayout layout) {
        return new BackupStore(layout, new BackupRetention(2, 1, Duration.ZERO));
    }

    static IndicesLock lock(IndicesLayout layout) {
        return IndicesLock.acquire(layout.lockFile(), "crash harness", Duration.ofSeconds(30));
    }

    static List<SpecificRecord> deploy(IndicesLayout layout, Path embeddings, String rebuildId, boolean backup) throws Exception {
        List<IndexKey> keys = IndexKey.all();
        Map<IndexKey, SpecificRecord> outcomes = new LinkedHashMap<>();
        for (IndexKey k : keys) outcomes.put(k, validated(layout, rebuildId, k));
        Deployment d = new Deployment(layout, embeddings, keys, 5, Duration.ofSeconds(30), backup ? new PreDeployBackup(backups(layout)) : null);
        return d.decide(new DeployStep.RebuildRef(rebuildId, keys.getFirst(), keys, outcomes.get(keys.getFirst())), outcomes);
    }

    static IndexValidated validated(IndicesLayout layout, String rebuildId, IndexKey k) throws Exception {
        Path staged = layout.staging(rebuildId).resolve(k.fileName());
        long ntotal;
        int d;
        try (Index i = Index.read(staged)) {
            ntotal = i.ntotal();
            d = i.dimension();
        }
        List<String> keys = IndexKey.all().stream().map(IndexKey::toString).toList();
        Instant at = Instant.parse("2026-11-24T00:00:00Z").plusSeconds(rebuildId.hashCode() & 0xffff);
        IndexBuilt built = IndexBuilt.newBuilder().setRebuildId(rebuildId).setIndexKey(k.toString()).setRebuildKeys(keys)
                .setTrigger(TriggerType.MANUAL).setRequestedAt(at).setStagedPath(layout.root().relativize(staged).toString())
                .setSha256(Sha256.of(staged)).setSizeBytes(Files.size(staged)).setDimension(d).setNtotal(ntotal).setFactory("Flat")
                .setMetric("inner_product").setNlist(0).setNprobe(0).setPqM(0).setTrainingRows(0).setBuildSeconds(0.1)
                .setPeakRssBytes(1).setEmbeddingsPath(k.embeddingsFileName()).setEmbeddingsSha256("x").setEmbeddingsRows(ntotal)
                .setBuiltAt(at).build();
        return IndexValidated.newBuilder().setRebuildId(rebuildId).setIndexKey(k.toString()).setRebuildKeys(keys)
                .setTrigger(TriggerType.MANUAL).setRequestedAt(at).setBuilt(built).setGates(List.<GateResult>of())
                .setFigures(ValidationFigures.newBuilder().setK(10).setQueries(10).setRecallAtK(1.0).setOneRecallAt1(1.0)
                        .setLatencyP50Ms(0.1).setLatencyP95Ms(0.1).setLatencyP99Ms(0.1).setBatchLatencyP99Ms(0.1).build())
                .setNprobe(0).setValidationSeconds(0.1).setValidatedAt(at).build();
    }
}
