package dev.faissrebuild.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.deployer.DeploymentHarness.Verdict;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rebuild.require_validation_pass and deploy.enable_rollback, each both ways, on real generations. */
class DeployPolicyTest {
    static final IndexKey IVFPQ = IndexKey.parse("24h/ivfpq");
    static final IndexKey FLAT = IndexKey.parse("24h/flatip");
    @TempDir Path dir;
    IndicesLayout layout;
    String first;

    @BeforeEach
    void firstGeneration() {
        layout = new IndicesLayout(dir.resolve("indices"));
        first = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", Instant.parse("2025-06-01T02:00:00Z"), 1).generationId();
    }

    private DeploymentHarness harness(String configJson) throws Exception {
        Path f = Files.writeString(dir.resolve("config.json"), configJson);
        return new DeploymentHarness(layout, dir.resolve("embeddings"), null, DeployPolicy.of(ConfigLoader.load(f, dir)));
    }

    private static Map<IndexKey, Verdict> verdicts(Object... keyThenVerdict) {
        Map<IndexKey, Verdict> m = new LinkedHashMap<>();
        for (int i = 0; i < keyThenVerdict.length; i += 2) m.put((IndexKey) keyThenVerdict[i], (Verdict) keyThenVerdict[i + 1]);
        return m;
    }

    private static DeployedFile file(GenerationDeployed d, IndexKey key) {
        return d.getFiles().stream().filter(f -> f.getIndexKey().equals(key.toString())).findFirst().orElseThrow();
    }

    private GenerationManifest.Entry liveEntry(IndexKey key) {
        return layout.liveManifest().orElseThrow().entry(key.toString()).orElseThrow();
    }

    @Test
    void aQualityRejectionBlocksTheDeployWhenAPassIsRequired() throws Exception {
        List<SpecificRecord> out = harness("{}").deploy("r20250602T020000Z-bbbbbb", verdicts(IVFPQ, Verdict.REJECTED_BY_RECALL, FLAT, Verdict.VALIDATED), 2);
        assertThat(out).singleElement().isInstanceOfSatisfying(DeployFailed.class,
                f -> assertThat(f.getReason()).contains("24h/ivfpq rejected: rejected by the recall gate"));
        assertThat(layout.liveGenerationId()).contains(first);
    }

    @Test
    void aQualityRejectionIsDeployedAnywayAndSaysSoWhenNoPassIsRequired() throws Exception {
        List<SpecificRecord> out = harness("{\"rebuild\": {\"require_validation_pass\": false}}")
                .deploy("r20250602T020000Z-bbbbbb", verdicts(IVFPQ, Verdict.REJECTED_BY_RECALL, FLAT, Verdict.VALIDATED), 2);
        GenerationDeployed d = (GenerationDeployed) out.getLast();
        assertThat(layout.liveGenerationId()).contains(d.getGenerationId()).isNotEqualTo(Optional.of(first));
        String note = "deployed despite its rejection, because rebuild.require_validation_pass = false: rejected by the recall gate";
        assertThat(file(d, IVFPQ).getValidationNote()).startsWith(note);
        assertThat(file(d, IVFPQ).getRecallAtK()).isEqualTo(0.5);
        assertThat(file(d, FLAT).getValidationNote()).isNull();
        assertThat(liveEntry(IVFPQ).validationNote()).startsWith(note);
        assertThat(liveEntry(IVFPQ).sha256()).isEqualTo(TestGenerations.liveChecksums(layout).get(IVFPQ.fileName()));
        assertThat(liveEntry(FLAT).validationNote()).isNull();
    }

    @Test
    void aStructureRejectionOrABuildFailureNeverDeploys() throws Exception {
        List<SpecificRecord> out = harness("{\"rebuild\": {\"require_validation_pass\": false}}")
                .deploy("r20250602T020000Z-bbbbbb", verdicts(IVFPQ, Verdict.REJECTED_BY_STRUCTURE, FLAT, Verdict.REJECTED_BY_RECALL), 2);
        assertThat(out).singleElement().isInstanceOfSatisfying(DeployFailed.class, f -> {
            assertThat(f.getReason()).contains("24h/ivfpq rejected: rejected by the structure gate");
            assertThat(f.getFailedKeys()).containsExactly("24h/ivfpq");
        });
        assertThat(layout.liveGenerationId()).contains(first);
    }

    @Test
    void anIndexThatWasNotQualityCheckedCarriesItsNoteIntoLaterGenerations() throws Exception {
        DeploymentHarness h = harness("{\"validation\": {\"enabled\": false}}");
        GenerationDeployed d = (GenerationDeployed) h.deploy("r20250602T020000Z-bbbbbb", verdicts(IVFPQ, Verdict.NOT_QUALITY_CHECKED), 2).getLast();
        assertThat(file(d, IVFPQ).getValidationNote()).isEqualTo("not quality-checked: validation.enabled = false, so only the structure gate ran");
        GenerationDeployed next = (GenerationDeployed) h.deploy("r20250603T020000Z-cccccc", verdicts(FLAT, Verdict.VALIDATED), 3).getLast();
        assertThat(file(next, IVFPQ).getRebuilt()).isFalse();
        assertThat(file(next, IVFPQ).getValidationNote()).startsWith("not quality-checked");
        assertThat(liveEntry(IVFPQ).validationNote()).startsWith("not quality-checked");
    }

    @Test
    void aFailedVerificationIsRolledBackWhenRollbackIsEnabled() throws Exception {
        List<SpecificRecord> out = harness("{}").deploy("r20250602T020000Z-bbbbbb", verdicts(IVFPQ, Verdict.MISREPORTED_NTOTAL), 2);
        assertThat(out).hasSize(2);
        assertThat(out.getFirst()).isInstanceOfSatisfying(RolledBack.class, r -> {
            assertThat(r.getAutomatic()).isTrue();
            assertThat(r.getToGenerationId()).isEqualTo(first);
        });
        assertThat(((DeployFailed) out.getLast()).getReason()).contains("manifest says 203 x 8").contains("rolled back to " + first);
        assertThat(layout.liveGenerationId()).contains(first);
    }

    @Test
    void aFailedVerificationStaysLiveAndIsReportedLoudlyWhenRollbackIsDisabledAndTheManualRollbackStillWorks() throws Exception {
        List<SpecificRecord> out = harness("{\"deploy\": {\"enable_rollback\": false}}")
                .deploy("r20250602T020000Z-bbbbbb", verdicts(IVFPQ, Verdict.MISREPORTED_NTOTAL), 2);
        DeployFailed f = (DeployFailed) out.getFirst();
        assertThat(out).hasSize(1);
        assertThat(f.getReason()).contains("post-deploy verification failed: 24h/ivfpq: holds 202 x 8, manifest says 203 x 8")
                .contains("NOT rolled back because deploy.enable_rollback = false").contains("is LIVE although it failed verification")
                .contains("to switch back to " + first + " run: faiss-rebuild rollback");
        assertThat(f.getLiveGenerationId()).isEqualTo(f.getGenerationId()).isNotEqualTo(first);
        assertThat(layout.liveGenerationId()).contains(f.getGenerationId());
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: manual rollback", Duration.ofSeconds(5))) {
            RolledBack manual = new Rollback(layout).run(lock, Optional.empty(), LiveExpectation.any(), "operator");
            assertThat(manual.getAutomatic()).isFalse();
        }
        assertThat(layout.liveGenerationId()).contains(first);
    }
}
