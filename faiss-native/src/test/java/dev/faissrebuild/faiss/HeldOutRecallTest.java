package dev.faissrebuild.faiss;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The held-out copy of an index is made by removing the newest ids, not by encoding the other rows again. */
class HeldOutRecallTest {
    @TempDir Path dir;

    @Test
    void theProbeByRemovalSearchesExactlyAsTheOtherRowsAddedAgain() throws Exception {
        Path file = TestData.weatherLike(dir.resolve("e.npy"), 6000, 32, 5);
        try (NpyMatrix x = NpyMatrix.open(file); Index built = TestData.trained(x, "IVF32,PQ8np", 5000);
             HeldOutRecall newest = HeldOutRecall.newest(x, 300, 7, 10, Metric.INNER_PRODUCT, 2)) {
            built.setNprobe(4);
            long kept = newest.split().indexedRows();
            try (Index removed = newest.probe(built); Index readded = built.copy()) {
                readded.reset();
                readded.add(x.rows(0, kept), kept);
                assertThat(removed.ntotal()).isEqualTo(kept).isEqualTo(readded.ntotal());
                long[] queries = newest.split().queryRows();
                SearchResult a = removed.search(x.gather(queries, java.lang.foreign.Arena.ofAuto()), queries.length, 10);
                SearchResult b = readded.search(x.gather(queries, java.lang.foreign.Arena.ofAuto()), queries.length, 10);
                for (int q = 0; q < queries.length; q++) {
                    assertThat(a.idsOf(q)).as("query %d", q).containsExactly(b.idsOf(q));
                    assertThat(a.scoresOf(q)).as("query %d", q).containsExactly(b.scoresOf(q));
                }
                assertThat(newest.measure(built)).isEqualTo(newest.meter().measure(readded, false));
            }
        }
    }
}
