package dev.faissrebuild.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.events.ValidationFigures;
import dev.faissrebuild.notifier.Notification.Severity;
import dev.faissrebuild.runtime.loop.Incoming;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What people are told about the outcomes the relaxed settings allow, and what the log channel really writes. */
class NotificationsTest {
    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void anIndexCheckedByStructureOnlyIsAWarningThatSaysSo() {
        Notification n = Notifications.of(validated(false)).orElseThrow();
        assertThat(n.severity()).isEqualTo(Severity.WARNING);
        assertThat(n.title()).isEqualTo("Validated 24h/ivfpq by structure only");
        assertThat(n.text()).contains("validation.enabled = false");
        assertThat(Notifications.of(validated(true)).orElseThrow().severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void aDeployOfAnIndexThatFailedAGateIsAWarningNamingIt() {
        Notification n = Notifications.of(deployed("deployed despite its rejection by recall_at_k")).orElseThrow();
        assertThat(n.severity()).isEqualTo(Severity.WARNING);
        assertThat(n.text()).isEqualTo("24h/ivfpq: deployed despite its rejection by recall_at_k");
        assertThat(Notifications.of(deployed(null)).orElseThrow().severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void aDeployWhoseReplacedGenerationIsNotArchivedIsAWarningSayingWhy() {
        GenerationDeployed d = deployed("deployed despite its rejection by recall_at_k");
        d.setBackupProblem("backup of generation g1 failed: No space left on device");
        Notification n = Notifications.of(d).orElseThrow();
        assertThat(n.severity()).isEqualTo(Severity.WARNING);
        assertThat(n.title()).isEqualTo("Deployed generation g2; the replaced generation is not archived");
        assertThat(n.text()).isEqualTo("backup of generation g1 failed: No space left on device; "
                + "24h/ivfpq: deployed despite its rejection by recall_at_k");
    }

    @Test
    void aGenerationLeftLiveAfterAFailedVerificationIsNotCalledNothingDeployed() {
        assertThat(Notifications.of(deployFailed("g2", "g2")).orElseThrow().title()).isEqualTo("Generation g2 is live although it failed verification");
        assertThat(Notifications.of(deployFailed(null, "g1")).orElseThrow().title()).isEqualTo("Rebuild r1 deployed nothing");
    }

    @Test
    void anInfoNotificationTheLogLevelDropsIsCountedSuppressedNotSent() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.faissrebuild.notifications");
        Level before = logger.getLevel();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NotifyStep step = new NotifyStep(List.of(new LogChannel()), Severity.INFO, registry);
        try {
            logger.setLevel(Level.WARN);
            step.process(new Incoming("faiss.index.validated", 0, 1, "24h/ivfpq", validated(true)));
            assertThat(count(registry, "suppressed")).isEqualTo(1);
            assertThat(count(registry, "sent")).isZero();
            logger.setLevel(Level.INFO);
            step.process(new Incoming("faiss.index.validated", 0, 2, "24h/ivfpq", validated(true)));
            assertThat(count(registry, "sent")).isEqualTo(1);
        } finally {
            logger.setLevel(before);
        }
    }

    private static double count(SimpleMeterRegistry r, String outcome) {
        return r.get("faiss_notifications").tag("channel", "log").tag("outcome", outcome).counter().count();
    }

    static IndexValidated validated(boolean qualityChecked) {
        return IndexValidated.newBuilder().setRebuildId("r1").setIndexKey("24h/ivfpq").setRebuildKeys(List.of("24h/ivfpq"))
                .setTrigger(TriggerType.MANUAL).setRequestedAt(T).setBuilt(built()).setGates(List.of())
                .setFigures(new ValidationFigures(10, 100, 0.96, 0.9, 0.1, 0.2, 0.3, 1.0)).setNprobe(8).setValidationSeconds(1)
                .setValidatedAt(T).setQualityChecked(qualityChecked).build();
    }

    static DeployFailed deployFailed(String generation, String live) {
        return DeployFailed.newBuilder().setRebuildId("r1").setTrigger(TriggerType.MANUAL).setFailedKeys(List.of("24h/ivfpq"))
                .setReason("verification failed; NOT rolled back because deploy.enable_rollback = false")
                .setLiveGenerationId(live).setGenerationId(generation).setRebuildSeconds(1).setFailedAt(T).build();
    }

    static GenerationDeployed deployed(String note) {
        DeployedFile f = new DeployedFile("24h/ivfpq", "faiss_24h_ivfpq.faiss", "ab".repeat(32), 100L, 10L, "IVF16,PQ8np", 8, 0.9, 1.0, true, note);
        return GenerationDeployed.newBuilder().setRebuildId("r1").setGenerationId("g2").setPreviousGenerationId("g1")
                .setTrigger(TriggerType.MANUAL).setFiles(List.of(f)).setBackupId(null).setSwapMillis(1).setRebuildSeconds(10)
                .setDeployedAt(T).build();
    }

    static IndexBuilt built() {
        return IndexBuilt.newBuilder().setRebuildId("r1").setIndexKey("24h/ivfpq").setRebuildKeys(List.of("24h/ivfpq"))
                .setTrigger(TriggerType.MANUAL).setRequestedAt(T).setStagedPath("staging/r1/x.faiss").setSha256("00").setSizeBytes(1)
                .setDimension(8).setNtotal(10).setFactory("IVF16,PQ8np").setMetric("inner_product").setNlist(16).setNprobe(8)
                .setPqM(8).setTrainingRows(10).setBuildSeconds(1).setPeakRssBytes(1).setEmbeddingsPath("e.npy").setEmbeddingsSha256("00")
                .setEmbeddingsRows(10).setBuiltAt(T).build();
    }
}
