package dev.faissrebuild.deployer.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceDiskUsageTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;

    @Test
    void hardLinkedFilesAreCountedOnce() throws Exception {
        IndicesLayout layout = new IndicesLayout(dir.resolve("indices"));
        GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        GenerationManifest g2 = TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400),
                List.of(IndexKey.parse("24h/flatip")), 2); // 7 files carried over: hard links into g1's

        DiskUsage u = DiskUsage.measure(layout);

        // g1: 8 indices + manifest; g2 adds 1 index + its manifest; the 7 carried-over files are g1's inodes
        assertThat(u.generations().count()).isEqualTo(2);
        assertThat(u.generations().files()).isEqualTo(11);
        assertThat(u.generations().bytes()).isEqualTo(uniqueBytes(layout.generations()));
        long naive = 0;
        for (Path gen : List.of(layout.generation(g1.generationId()), layout.generation(g2.generationId()))) {
            try (var files = Files.list(gen)) {
                for (Path f : files.toList()) naive += Files.size(f);
            }
        }
        assertThat(u.generations().bytes()).isLessThan(naive);
        assertThat(u.live().count()).isEqualTo(1);
        assertThat(u.live().files()).isEqualTo(9);
        assertThat(u.staging().count()).isEqualTo(2);
        assertThat(u.staging().files()).isEqualTo(9); // the staged files are the very inodes the generations link to
        assertThat(u.backups().count()).isZero();
        assertThat(u.total().files()).isEqualTo(12); // and .lock
        assertThat(u.total().bytes()).isEqualTo(uniqueBytes(layout.root()));
        assertThat(u.generationsDetail()).extracting(DiskUsage.Generation::generationId).containsExactly(g1.generationId(), g2.generationId());
        assertThat(u.generationsDetail().getLast().live()).isTrue();
        assertThat(u.generationsDetail().getFirst().previous()).isTrue();
    }

    /** What GNU find says: regular files by inode, each size once. */
    private static long uniqueBytes(Path root) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "find \"$0\" -type f -printf '%i %s\\n' | sort -u | awk '{s+=$2} END {print s+0}'",
                root.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        return Long.parseLong(out);
    }
}
