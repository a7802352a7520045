package dev.faissrebuild.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One full instance of every event, every field set and away from its default, so a dropped field shows. */
final class SampleEvents {
    // millisecond precision: timestamp-millis keeps no more
    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");
    static final List<String> KEYS = List.of("24h/ivfpq", "24h/flat");

    private SampleEvents() {}

    static List<SpecificRecord> all() {
        return List.of(rebuildCommand(), embeddingsUpdated(), commandResult(), rebuildRequested(), indexBuilt(),
                buildFailed(), indexValidated(), indexRejected(), generationDeployed(), deployFailed(), rolledBack(),
                alert(), cancelRebuild(), rebuildCancelled(), buildProgress());
    }

    static BuildProgress buildProgress() {
        return BuildProgress.newBuilder().setRebuildId("rb-1").setIndexKey("24h/ivfpq").setStep("add").setCandidate(0).setCandidates(3)
                .setDone(65536).setTotal(300000).setRatio(0.12).setElapsedSeconds(4.5).setEtaSeconds(33.0).setAt(T0).build();
    }

    static CancelRebuild cancelRebuild() {
        return CancelRebuild.newBuilder().setCancelId("x-1").setRebuildId("rb-1").setIndexKeys(List.of("24h/ivfpq"))
                .setRequestedBy("ops").setReason("wrong data").setRequestedAt(T0).build();
    }

    static RebuildCancelled rebuildCancelled() {
        return RebuildCancelled.newBuilder().setRebuildId("rb-1").setIndexKeys(List.of()).setRebuildKeys(KEYS).setTrigger(TriggerType.MANUAL)
                .setRequestedAt(T0).setReason("cancelled by ops: wrong data").setCancelId("x-1").setCommandId("c-1")
                .setCancelledAt(T0.plusSeconds(5)).build();
    }

    static RebuildCommand rebuildCommand() {
        return RebuildCommand.newBuilder().setCommandId("cmd-1").setHorizons(List.of(24, 48))
                .setIndexTypes(List.of("ivfpq")).setForce(true).setTrigger(TriggerType.API).setRequestedBy("alice")
                .setReason("drift after upstream fix").setRequestedAt(T0).build();
    }

    static EmbeddingsUpdated embeddingsUpdated() {
        return EmbeddingsUpdated.newBuilder().setEventId("emb-7").setHorizons(List.of(6, 12)).setProducedBy("embedder")
                .setProducedAt(T0).setNote("nightly").build();
    }

    static CommandResult commandResult() {
        return CommandResult.newBuilder().setCommandId("cmd-1").setRebuildId("rb-1").setAcceptedKeys(List.of("48h/ivfpq"))
                .setCoalesced(List.of(new CoalescedIndex("24h/ivfpq", "rb-0")))
                .setSkipped(List.of(new SkippedIndex("6h/ivfpq", "embeddings unchanged"))).setDecidedAt(T0).build();
    }

    static RebuildRequested rebuildRequested() {
        return RebuildRequested.newBuilder().setRebuildId("rb-1").setIndexKey("24h/ivfpq").setHorizonHours(24)
                .setIndexType("ivfpq").setTrigger(TriggerType.EMBEDDINGS_UPDATED).setCommandId("cmd-1")
                .setRequestedBy("trigger").setRequestedAt(T0).setForce(true).setRebuildKeys(KEYS)
                .setFactory("IVF256,PQ16").build();
    }

    static IndexBuilt indexBuilt() {
        return IndexBuilt.newBuilder().setRebuildId("rb-1").setIndexKey("24h/ivfpq").setRebuildKeys(KEYS)
                .setTrigger(TriggerType.SCHEDULED).setRequestedAt(T0).setStagedPath("staging/rb-1/24h_ivfpq.faiss")
                .setSha256("ab".repeat(32)).setSizeBytes(123_456_789L).setDimension(128).setNtotal(200_000L)
                .setFactory("IVF1024,PQ16").setMetric("L2").setNlist(1024).setNprobe(16).setPqM(16)
                .setTrainingRows(50_000L).setBuildSeconds(19.5).setPeakRssBytes(1L << 31)
                .setEmbeddingsPath("embeddings/24h.npy").setEmbeddingsSha256("cd".repeat(32))
                .setEmbeddingsRows(200_000L).setBuiltAt(T0.plusSeconds(20)).build();
    }

    static BuildFailed buildFailed() {
        return BuildFailed.newBuilder().setRebuildId("rb-1").setIndexKey("6h/flat").setRebuildKeys(KEYS)
                .setTrigger(TriggerType.MANUAL).setRequestedAt(T0).setKind(FailureKind.FAISS_ERROR)
                .setReason("faiss_index_factory: bad spec").setEmbeddingsPath("embeddings/6h.npy")
                .setBuildSeconds(0.25).setFailedAt(T0.plusMillis(250)).build();
    }

    static GateResult gate(GateStatus status) {
        return new GateResult("recall_at_k", status, 0.93, 0.9, "recall@10 over 1000 queries");
    }

    static ValidationFigures figures() {
        return new ValidationFigures(10, 1000, 0.93, 0.88, 0.4, 0.9, 1.7, 12.5);
    }

    static IndexValidated indexValidated() {
        return IndexValidated.newBuilder().setRebuildId("rb-1").setIndexKey("24h/ivfpq").setRebuildKeys(KEYS)
                .setTrigger(TriggerType.API).setRequestedAt(T0).setBuilt(indexBuilt())
                .setGates(List.of(gate(GateStatus.PASSED), gate(GateStatus.SKIPPED))).setFigures(figures())
                .setNprobe(24).setValidationSeconds(3.5).setValidatedAt(T0.plusSeconds(30)).setQualityChecked(false).build();
    }

    static IndexRejected indexRejected() {
        return IndexRejected.newBuilder().setRebuildId("rb-1").setIndexKey("24h/ivfpq").setRebuildKeys(KEYS)
                .setTrigger(TriggerType.API).setRequestedAt(T0).setBuilt(indexBuilt())
                .setGates(List.of(gate(GateStatus.FAILED))).setFigures(figures()).setFirstFailedGate("recall_at_k")
                .setReason("recall 0.80 < 0.90").setValidationSeconds(2.0).setRejectedAt(T0.plusSeconds(31)).build();
    }

    static GenerationDeployed generationDeployed() {
        DeployedFile file = new DeployedFile("24h/ivfpq", "24h_ivfpq.faiss", "ab".repeat(32), 123_456_789L, 200_000L,
                "IVF1024,PQ16", 24, 0.93, 1.7, true, "deployed despite its rejection by the recall gate: rebuild.require_validation_pass is false");
        return GenerationDeployed.newBuilder().setRebuildId("rb-1").setGenerationId("gen-2")
                .setPreviousGenerationId("gen-1").setTrigger(TriggerType.SCHEDULED).setFiles(List.of(file))
                .setBackupId("bk-9").setSwapMillis(3.25).setRebuildSeconds(61.0).setDeployedAt(T0.plusSeconds(60))
                .build();
    }

    static DeployFailed deployFailed() {
        return DeployFailed.newBuilder().setRebuildId("rb-1").setTrigger(TriggerType.MANUAL).setReason("disk full")
                .setFailedKeys(KEYS).setLiveGenerationId("gen-1").setGenerationId("gen-2").setRebuildSeconds(42.0)
                .setFailedAt(T0.plusSeconds(42)).build();
    }

    static RolledBack rolledBack() {
        return RolledBack.newBuilder().setRollbackId("rbk-1").setRebuildId("rb-1").setFromGenerationId("gen-2")
                .setToGenerationId("gen-1").setReason("p99 latency alert").setAutomatic(true)
                .setRolledBackAt(T0.plusSeconds(90)).build();
    }

    static Alert alert() {
        return Alert.newBuilder().setAlertId("al-1").setName("FaissRebuildFailed").setSeverity(Severity.CRITICAL)
                .setState(AlertState.FIRING).setSummary("rebuild rb-1 failed").setDescription("disk full on /indices")
                .setLabels(Map.of("index_key", "24h/ivfpq", "service", "deployer")).setSource("deployer")
                .setRaisedAt(T0.plusSeconds(43)).build();
    }
}
