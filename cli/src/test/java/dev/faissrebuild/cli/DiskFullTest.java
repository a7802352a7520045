package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.DiskErrors;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.LiveSetHealth;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.runtime.http.Health;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A really full disk: indices/ on a 64 MiB tmpfs (mounted by the test; it needs root, as CI has), filled
 * to the last few hundred KiB. The rebuild fails before it trains, saying "no space"; the live set is
 * untouched; once space is freed the next rebuild succeeds.
 */
class DiskFullTest {
    @TempDir Path dir;
    RunningSystem system;
    Path mount;

    @AfterEach
    void stop() throws Exception {
        if (system != null) system.close();
        if (mount != null) new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
    }

    @Test
    void aFullDiskKeepsTheLiveSetAndTheFirstRebuildAfterSpaceIsFreedSucceeds() throws Exception {
        mount = Files.createDirectories(dir.resolve("indices"));
        assumeTrue(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString()).start().waitFor() == 0,
                "mounting a tmpfs needs root (CI runs as root)");
        system = RunningSystem.start(dir, 1500, 16, "{\"scheduler\": {\"enabled\": false}}", c -> c.withEphemeralPorts());
        assertThat(system.rebuild(null, null).deployed()).isTrue();
        List<String> live = checksums(system.layout);

        Path filler = fill(mount, 256 << 10);
        RebuildWatch.Result full = system.rebuild("6", "flatip");
        assertThat(full.deployed()).isFalse();
        BuildFailed failed = system.awaitEvent(Topics.INDEX_BUILT, BuildFailed.class, f -> f.getRebuildId().equals(full.finals().isEmpty()
                ? "" : ((dev.faissrebuild.events.DeployFailed) full.finals().getFirst()).getRebuildId()));
        assertThat(failed.getReason()).contains("no space").contains(mount.toString());
        assertThat(failed.getBuildSeconds()).as("refused before any training").isLessThan(1.0);
        assertThat(checksums(system.layout)).isEqualTo(live);
        assertThat(new LiveSetHealth(system.layout, IndexKey.all()).check().level()).isEqualTo(Health.Level.UP);

        Files.delete(filler);
        assertThat(system.rebuild("6", "flatip").deployed()).as("the first rebuild after space is freed").isTrue();
    }

    /** Writes zeros (real pages: a sparse file would take no room) until {@code leave} bytes are left free. */
    private static Path fill(Path where, long leave) throws Exception {
        Path filler = where.resolve("filler");
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (DiskErrors.usable(where) > leave + chunk.length) out.write(chunk);
        }
        return filler;
    }

    private static List<String> checksums(IndicesLayout layout) throws Exception {
        List<String> sums = new ArrayList<>();
        for (IndexKey k : IndexKey.all()) sums.add(Sha256.of(layout.liveFile(k).toRealPath()));
        return sums;
    }
}
