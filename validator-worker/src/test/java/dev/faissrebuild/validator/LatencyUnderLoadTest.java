package dev.faissrebuild.validator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency regression gate on a busy machine, with real FAISS indices, while {@link CpuLoad} trains
 * k-means on another thread: an unchanged flat index against itself (two reads of one file, as an
 * unchanged rebuild and the live index are) must pass every run, and a flat index over twice the
 * vectors (honestly about 2x slower per query) must be rejected every run. Both are measured in the
 * same runs, so both see the same load. The rule is judged without the slack (0 ms), its strictest form: the
 * relative criterion alone must not be fooled. The old p99 rule's verdicts on the same timings are
 * reported, for contrast, not asserted.
 *
 * <p>{@code make test} runs {@value #DEFAULT_RUNS} runs on a small index; {@code bench/latency-gate.sh}
 * runs the same code 50 times on the size (13,148 x 256) through {@code -Dlatency.runs},
 * {@code -Dlatency.rows}, {@code -Dlatency.dim}, {@code -Dlatency.loadThreads}.
 */
class LatencyUnderLoadTest {
    static final int DEFAULT_RUNS = 10;
    static final int RUNS = Integer.getInteger("latency.runs", DEFAULT_RUNS);
    static final int ROWS = Integer.getInteger("latency.rows", 4000);
    static final int DIM = Integer.getInteger("latency.dim", 64);
    /** Training threads: 1 keeps one core busy; 2 is production's worst case, two builds beside the validator on 2 cores. */
    static final int LOAD_THREADS = Integer.getInteger("latency.loadThreads", 1);
    /** The 2x candidate is timed every this many runs (the benchmark: 10 in 50, as it costs twice the time). */
    static final int SLOW_EVERY = Integer.getInteger("latency.slowEvery", 1);
    static final int QUERIES = 300;  // what production times: min(validation_sample_size, 300)
    static final ValidationSettings SETTINGS = new ValidationSettings(10, QUERIES, 0.95, 100, QUERIES, 1, 20241105L, 0.01, 0.5, 0.0, null);
    @TempDir static Path dir;
    static Path embeddings;
    static Path flat;
    static Path twice;

    @BeforeAll
    static void indices() {
        embeddings = TestData.weatherLike(dir.resolve("embeddings.npy"), 2L * ROWS, DIM, 24);
        flat = TestIndices.build(dir.resolve("flat.faiss"), embeddings, ROWS, "Flat", Metric.INNER_PRODUCT, 0);
        twice = TestIndices.build(dir.resolve("twice.faiss"), embeddings, 2L * ROWS, "Flat", Metric.INNER_PRODUCT, 0);
    }

    @Test
    void anUnchangedIndexPassesEveryRunAndATwiceSlowerOneIsRejectedEveryRun() throws Exception {
        try (NpyMatrix m = NpyMatrix.open(embeddings); Arena arena = Arena.ofConfined()) {
            long[] ids = RowSample.distinct(ROWS, QUERIES, SETTINGS.seed());
            MemorySegment queries = m.gather(ids, arena);
            LatencyGate.Timing quiet = timing(twice, m, ids, queries);
            String loadBefore = CpuLoad.loadAverages();
            List<LatencyGate.Timing> same = new ArrayList<>();
            List<LatencyGate.Timing> slow = new ArrayList<>();
            long start = System.nanoTime();
            double cores;
            try (CpuLoad load = CpuLoad.start(LOAD_THREADS, DIM, m.segment(), m.rows())) {
                for (int i = 0; i < RUNS; i++) {
                    same.add(timing(flat, m, ids, queries));
                    if (i % SLOW_EVERY == 0) slow.add(timing(twice, m, ids, queries));
                }
                cores = load.coresUsed();
            }
            UnderLoadReport report = new UnderLoadReport(ROWS, DIM, same, slow, quiet, cores, loadBefore, CpuLoad.loadAverages(),
                    (System.nanoTime() - start) / 1e9);
            System.out.println(report.text());
            Files.writeString(Path.of("target", "latency-under-load.txt"), report.text());
            // a whole core each on a machine no one else uses; less beside other work, but never idle, or the run is not what it claims
            assertThat(cores / LOAD_THREADS).as("cores used by each training thread").isGreaterThan(0.3);
            assertThat(UnderLoadReport.count(same, 0, UnderLoadReport::rejects)).as(report.text()).isZero();
            assertThat(UnderLoadReport.count(slow, 0, UnderLoadReport::rejects)).as(report.text()).isEqualTo(slow.size());
        }
    }

    /** One validation's timing of {@code candidate} against the flat index, each read afresh as a validation reads them. */
    private static LatencyGate.Timing timing(Path candidate, NpyMatrix m, long[] ids, MemorySegment queries) {
        try (Index c = Index.read(candidate); Index live = Index.read(flat)) {
            return LatencyGate.measure(new Probe(c, m, ids, queries, SETTINGS), live);
        }
    }
}
