package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.NpyWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Through the pipeline: embeddings that grew by 1 % (appended rows) are rebuilt incrementally (IndexBuilt,
 * the manifest and status say so) and pass the same gates; a file changed in place takes the full path.
 */
class IncrementalRebuildTest extends WithRunningSystem {
    static final String CONFIG = "{\"rebuild\": {\"horizons\": [6]}, \"scheduler\": {\"enabled\": false}}";

    @Test
    void anAppendIsBuiltIncrementallyAndAChangedFileInFull() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, CONFIG, c -> c.withEphemeralPorts());
        assertThat(system.rebuild("6", null).deployed()).isTrue();
        assertThat(kinds()).containsOnly("full");
        Path file = system.config.paths().embeddings().resolve("embeddings_6h.npy");

        rewrite(file, 1515, -1); // 15 rows appended
        int before = builds().size();
        RebuildWatch.Result grown = system.rebuild("6", null);
        assertThat(grown.deployed()).as("the incremental indices pass the gates").isTrue();
        List<IndexBuilt> incremental = builds().subList(before, builds().size());
        assertThat(incremental).extracting(b -> b.getIndexKey() + " " + b.getBuildKind() + " " + b.getNtotal())
                .containsExactlyInAnyOrder("6h/flatip incremental 1515", "6h/ivfpq incremental 1515");
        assertThat(kinds()).containsOnly("incremental");
        OfflineCommandsTest.Run status = OfflineCommandsTest.cli("status", "--data-dir", dir.toString(), "--config", dir.resolve("config.json").toString());
        assertThat(status.out()).contains("incremental");

        rewrite(file, 1515, 40); // one value of an old row changed: not an append
        before = builds().size();
        assertThat(system.rebuild("6", null).deployed()).isTrue();
        assertThat(builds().subList(before, builds().size())).extracting(IndexBuilt::getBuildKind).containsOnly("full");
        assertThat(kinds()).containsOnly("full");
    }

    @Test
    void incrementalMaxGrowthZeroAlwaysBuildsInFull() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, "{\"rebuild\": {\"horizons\": [6], \"index_types\": [\"flatip\"], "
                + "\"incremental_max_growth\": 0}, \"scheduler\": {\"enabled\": false}}", c -> c.withEphemeralPorts());
        assertThat(system.rebuild("6", null).deployed()).isTrue();
        rewrite(system.config.paths().embeddings().resolve("embeddings_6h.npy"), 1515, -1);
        int before = builds().size();
        assertThat(system.rebuild("6", null).deployed()).isTrue();
        assertThat(builds().subList(before, builds().size())).extracting(IndexBuilt::getBuildKind).containsOnly("full");
    }

    /** The current file's rows, then new ones up to {@code rows}; with {@code changedRow} >= 0 one old value changed too. */
    private void rewrite(Path file, int rows, int changedRow) throws Exception {
        Path extra = TestData.weatherLike(dir.resolve("extra.npy"), rows, 16, 99);
        Path next = dir.resolve("next.npy");
        try (NpyMatrix now = NpyMatrix.open(file); NpyMatrix more = NpyMatrix.open(extra)) {
            long have = now.rows();
            NpyWriter.write(next, rows, 16, (r, out) -> {
                System.arraycopy(r < have ? now.row(r) : more.row(r), 0, out, 0, 16);
                if (r == changedRow) out[0] += 1e-3f;
            });
        }
        java.nio.file.Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private List<IndexBuilt> builds() {
        return system.events(Topics.INDEX_BUILT).stream().filter(IndexBuilt.class::isInstance).map(IndexBuilt.class::cast).toList();
    }

    private List<String> kinds() {
        return system.layout.liveManifest().orElseThrow().files().stream().map(GenerationManifest.Entry::build)
                .map(b -> b == null ? "none" : b.kind()).toList();
    }
}
