package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FAISS's raw stderr warning about small k-means samples (once per PQ sub-quantizer: up to 256 lines a
 * build) is gone; the same advice is one structured line per build step of each candidate the tuner
 * builds (build-index tunes like the builder: PQ8, PQ16, PQ32 here). Run in a child process,
 * because FAISS writes to the process's file descriptor 2, which an in-process test cannot see.
 */
class QuietFaissTest {
    @TempDir Path dir;

    @Test
    void aSmallTrainingSampleGivesOneStructuredLinePerCandidateAndNoRawFaissWarning() throws Exception {
        // 4,000 rows, trained on the 3,000 before the recall gate's held-out newest 1,000: enough for IVF64
        // (39 x 64 = 2,496) but not for 256-centroid PQ codebooks (9,984)
        Path embeddings = TestData.weatherLike(dir.resolve("embeddings_6h.npy"), 4000, 32, 6);
        ChildCli build = ChildCli.run(dir, "build-index", "--embeddings", embeddings.toString(), "--type", "ivfpq",
                "--out", dir.resolve("6h.faiss").toString());
        assertThat(build.code()).as(build.err()).isZero();
        assertThat(build.err().lines().filter(l -> !l.contains(" level="))).as("lines that are not structured log lines").isEmpty();
        assertThat(build.err()).doesNotContain("WARNING clustering");
        List<String> small = build.err().lines().filter(l -> l.contains("event=training_sample_small")).toList();
        assertThat(small).isNotEmpty().allSatisfy(l -> assertThat(l)
                .contains("step=pq_codebooks").contains("points=3000").contains("faiss_suggests=9984"));
        List<String> factories = small.stream().map(l -> l.replaceAll(".* factory=(\\S+) .*", "$1")).toList();
        assertThat(factories).as("one line per candidate factory").doesNotHaveDuplicates();
    }
}
