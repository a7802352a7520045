package dev.faissrebuild.deployer.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.LiveExpectation;
import dev.faissrebuild.deployer.RebuildLedger;
import dev.faissrebuild.deployer.Rollback;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceCleanupTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;
    IndicesLayout layout;
    List<GenerationManifest> g = new ArrayList<>();

    /** g0..g4 deployed (each rebuilding two indices), then rolled back to g1: live g1, its predecessor g0, newest g4. */
    @BeforeEach
    void setUp() throws Exception {
        layout = new IndicesLayout(dir.resolve("indices"));
        g.add(TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaa0", T0, 0));
        for (int i = 1; i <= 4; i++) {
            g.add(TestGenerations.deploy(layout, "r2025060" + (i + 1) + "T020000Z-aaaaa" + i, T0.plus(Duration.ofDays(i)),
                    List.of(TestGenerations.KEYS.get(i), TestGenerations.KEYS.get(i + 3)), i));
        }
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test", Duration.ofSeconds(5))) {
            new Rollback(layout).run(lock, Optional.of(id(1)), LiveExpectation.any(), "test");
        }
    }

    @Test
    void neverRemovesTheLiveGenerationNorItsPredecessor() throws Exception {
        // staging: three decided rebuilds (they wrote RESULT.event), an abandoned one and one in progress
        for (int i = 0; i < 3; i++) {
            Path result = RebuildLedger.resultFile(layout, "r2025060" + (i + 1) + "T020000Z-aaaaa" + i);
            Files.createDirectories(result.getParent());
            Files.writeString(result, "decided");
        }
        Path abandoned = Files.createDirectories(layout.staging("r20250610T000000Z-dead00"));
        Files.writeString(abandoned.resolve("faiss_6h_flatip.faiss"), "half a build");
        for (Path p : List.of(abandoned.resolve("faiss_6h_flatip.faiss"), abandoned)) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofMinutes(61))));
        }
        Path running = Files.createDirectories(layout.staging("r20250611T000000Z-live00"));
        Files.writeString(running.resolve("faiss_6h_flatip.faiss"), "being built");
        // leftovers of crashes
        Files.createDirectories(layout.generations().resolve(".tmp-g20250612T000000Z-crash"));
        Files.createDirectories(layout.backups());
        Files.writeString(layout.backups().resolve(".b20250612T000000Z-aaaaa4.tar.gz.tmp-99-1"), "half an archive");
        long totalBefore = DiskUsage.measure(layout).total().bytes() - Files.size(layout.lockFile());

        Cleanup.Report report;
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: cleanup", Duration.ofSeconds(5))) {
            report = new Cleanup(layout, Duration.ofMinutes(60)).run(lock, 1, Instant.now());
        }

        assertThat(report.removed()).filteredOn(r -> r.kind() == Cleanup.Kind.GENERATION).extracting(Cleanup.Removal::name)
                .containsExactlyInAnyOrder(id(2), id(3));
        assertThat(report.keptGenerations()).extracting(Cleanup.Kept::generationId).containsExactlyInAnyOrder(id(0), id(1), id(4));
        assertThat(report.keptGenerations()).extracting(Cleanup.Kept::why)
                .contains("live", "previous of the live generation (rollback target)", "among the 1 most recent");
        assertThat(layout.generations()).isDirectoryContaining(p -> p.getFileName().toString().equals(id(1)));
        for (int i : new int[] {0, 1, 4}) assertThat(layout.generation(id(i))).isDirectory();
        for (int i : new int[] {2, 3}) assertThat(layout.generation(id(i))).doesNotExist();
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(id(1))));

        assertThat(report.removed()).filteredOn(r -> r.kind() == Cleanup.Kind.STAGING).extracting(Cleanup.Removal::name)
                .containsExactlyInAnyOrder("r20250601T020000Z-aaaaa0", "r20250602T020000Z-aaaaa1", "r20250603T020000Z-aaaaa2",
                        "r20250610T000000Z-dead00");
        assertThat(running).isDirectory();
        assertThat(layout.staging("r20250604T020000Z-aaaaa3")).isDirectory(); // no result recorded, recent
        assertThat(report.removed()).filteredOn(r -> r.kind() == Cleanup.Kind.LEFTOVER).extracting(Cleanup.Removal::name)
                .containsExactlyInAnyOrder("generations/.tmp-g20250612T000000Z-crash",
                        "backups/.b20250612T000000Z-aaaaa4.tar.gz.tmp-99-1");
        try (var s = Files.list(layout.generations())) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
        }

        // what it says it freed is what the disk lost (hard-linked files counted once on both sides; the
        // lock file's text names its latest holder, so it is left out)
        long totalAfter = DiskUsage.measure(layout).total().bytes() - Files.size(layout.lockFile());
        assertThat(report.bytesFreed()).isPositive().isEqualTo(totalBefore - totalAfter);
    }

    @Test
    void keepRecentZeroKeepsOnlyTheLiveOneAndItsPredecessor() throws Exception {
        Cleanup.Report plan = new Cleanup(layout, Duration.ofMinutes(60)).plan(0, Instant.now());
        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.removed()).filteredOn(r -> r.kind() == Cleanup.Kind.GENERATION).extracting(Cleanup.Removal::name)
                .containsExactlyInAnyOrder(id(2), id(3), id(4));
        assertThat(layout.generation(id(4))).isDirectory(); // a plan changes nothing
        // g4's rebuilt files are still linked from its staging directory, and the others from older
        // generations: deleting g4 alone frees only its manifest
        Path g4Dir = layout.generation(id(4));
        long manifest = Files.size(g4Dir.resolve(GenerationManifest.FILE_NAME));
        assertThat(freed(plan, id(4))).isEqualTo(manifest);
        // once its staging is gone, deleting g4 frees the two files it rebuilt too, still not those it carried over
        GenerationStore.deleteTree(layout.staging(g.get(4).rebuildId()));
        long own = manifest;
        for (IndexKey k : List.of(TestGenerations.KEYS.get(4), TestGenerations.KEYS.get(7))) own += Files.size(g4Dir.resolve(k.fileName()));
        assertThat(freed(new Cleanup(layout, Duration.ofMinutes(60)).plan(0, Instant.now()), id(4))).isEqualTo(own);
    }

    private static long freed(Cleanup.Report plan, String name) {
        return plan.removed().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().bytesFreed();
    }

    private String id(int i) {
        return g.get(i).generationId();
    }
}
