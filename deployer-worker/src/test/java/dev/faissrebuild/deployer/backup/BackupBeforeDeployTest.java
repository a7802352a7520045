package dev.faissrebuild.deployer.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.deployer.DeploymentHarness;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy.backup_before_deploy wired into the real Deployment: the event names the archive of the replaced generation, taken after the switch. */
class BackupBeforeDeployTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    static final List<IndexKey> REBUILT = List.of(IndexKey.parse("24h/flatip"), IndexKey.parse("24h/ivfpq"));
    @TempDir Path dir;
    IndicesLayout layout;
    BackupStore store;
    GenerationManifest g1;

    @BeforeEach
    void setUp() {
        layout = new IndicesLayout(dir.resolve("indices"));
        store = new BackupStore(layout, new BackupRetention(10, 3, Duration.ofDays(30)));
        g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
    }

    @Test
    void theDeployedEventNamesTheBackupOfTheReplacedGeneration() throws Exception {
        DeploymentHarness deployer = new DeploymentHarness(layout, dir.resolve("embeddings"), new PreDeployBackup(store));
        List<SpecificRecord> out = deployer.deploy("r20250608T020000Z-bbbbbb", REBUILT, 2);

        GenerationDeployed deployed = (GenerationDeployed) out.getFirst();
        assertThat(deployed.getPreviousGenerationId()).isEqualTo(g1.generationId());
        assertThat(deployed.getBackupId()).isNotNull();
        BackupStore.Backup b = store.find(BackupId.parse(deployed.getBackupId()));
        assertThat(b.manifest().sourceGenerationId()).isEqualTo(g1.generationId());
        assertThat(b.manifest().file("faiss_24h_flatip.faiss").orElseThrow().sha256())
                .isEqualTo(g1.entry("24h/flatip").orElseThrow().sha256());
        assertThat(layout.liveGenerationId()).contains(deployed.getGenerationId());

        // the next deploy backs up the generation that is live now; an existing backup of it would be reused
        List<SpecificRecord> next = deployer.deploy("r20250615T020000Z-cccccc", REBUILT, 3);
        String second = ((GenerationDeployed) next.getFirst()).getBackupId();
        assertThat(store.find(BackupId.parse(second)).manifest().sourceGenerationId()).isEqualTo(deployed.getGenerationId());
        assertThat(store.readable()).hasSize(2);
    }

    @Test
    void aBackupThatAlreadyExistsIsReused() throws Exception {
        BackupStore.Created existing;
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test", Duration.ofSeconds(5))) {
            existing = store.create(lock, g1.generationId(), Instant.now());
        }
        List<SpecificRecord> out = new DeploymentHarness(layout, dir.resolve("embeddings"), new PreDeployBackup(store))
                .deploy("r20250608T020000Z-bbbbbb", REBUILT, 2);
        assertThat(((GenerationDeployed) out.getFirst()).getBackupId()).isEqualTo(existing.backup().id().value());
        assertThat(store.readable()).hasSize(1);
    }

    @Test
    void aFailedArchiveLeavesTheDeployStandingAndTheNextDeployArchivesTheReplacedGenerationFirst() throws Exception {
        Files.writeString(layout.backups(), "a file where the backups directory should be"); // backups cannot be written
        DeploymentHarness deployer = new DeploymentHarness(layout, dir.resolve("embeddings"), new PreDeployBackup(store));

        GenerationDeployed g2 = (GenerationDeployed) deployer.deploy("r20250608T020000Z-bbbbbb", REBUILT, 2).getFirst();
        assertThat(layout.liveGenerationId()).contains(g2.getGenerationId()); // the switch did not wait for the archive
        assertThat(g2.getBackupId()).isNull();
        assertThat(g2.getBackupProblem()).contains("backup of generation " + g1.generationId() + " failed")
                .contains("stays on disk as the rollback target");
        assertThat(layout.generation(g1.generationId())).isDirectory();

        // still failing: the next deploy refuses, rather than let g1 leave the rollback slot without an archive
        Map<String, String> before = TestGenerations.liveChecksums(layout);
        List<SpecificRecord> refused = deployer.deploy("r20250615T020000Z-cccccc", REBUILT, 3);
        assertThat(refused).hasSize(1);
        DeployFailed failed = (DeployFailed) refused.getFirst();
        assertThat(failed.getReason()).startsWith("nothing deployed: backup of generation " + g1.generationId() + " failed")
                .contains("deploy.backup_before_deploy is on");
        assertThat(failed.getLiveGenerationId()).isEqualTo(g2.getGenerationId());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);

        // the disk mended: the owed archive of g1 first, then g2's after the switch
        Files.delete(layout.backups());
        GenerationDeployed g3 = (GenerationDeployed) deployer.deploy("r20250622T020000Z-dddddd", REBUILT, 4).getFirst();
        assertThat(g3.getBackupProblem()).isNull();
        assertThat(store.find(BackupId.parse(g3.getBackupId())).manifest().sourceGenerationId()).isEqualTo(g2.getGenerationId());
        assertThat(store.latestOf(g1.generationId())).isPresent();
        assertThat(store.readable()).hasSize(2);
    }

    @Test
    void withoutTheSettingNoBackupIsTaken() throws Exception {
        List<SpecificRecord> out = new DeploymentHarness(layout, dir.resolve("embeddings"), null).deploy("r20250608T020000Z-bbbbbb", REBUILT, 2);
        assertThat(((GenerationDeployed) out.getFirst()).getBackupId()).isNull();
        assertThat(layout.backups()).doesNotExist();
    }
}
