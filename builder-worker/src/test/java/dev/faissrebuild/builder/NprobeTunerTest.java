package dev.faissrebuild.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.faiss.HeldOutRecall;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuner's search, from the smallest nprobe and from the live index's. */
class NprobeTunerTest {
    @TempDir Path dir;

    @Test
    void startingFromTheLiveNprobeMeasuresItAndKeepsItWhenItStillReachesTheTarget() throws Exception {
        Path file = TestData.weatherLike(dir.resolve("e.npy"), 6000, 32, 11);
        try (NpyMatrix x = NpyMatrix.open(file); Index built = TestData.trained(x, "IVF64,PQ8np", 5000);
             HeldOutRecall newest = HeldOutRecall.newest(x, 300, 7, 10, Metric.INNER_PRODUCT, 2)) {
            try (Index probe = newest.probe(built)) {
                probe.setNprobe(6);
                double target = newest.meter().measure(probe, false).atK(); // reached at 6 at the latest
                NprobeTuner.Tuning fromOne = NprobeTuner.tune(probe, newest.meter(), 64, target, 1e9);
                assertThat(fromOne.nprobe()).isBetween(1, 6);
                assertThat(fromOne.points()).hasSizeGreaterThan(1);

                NprobeTuner.Tuning fromLive = NprobeTuner.tune(probe, newest.meter(), 64, target, 1e9, fromOne.nprobe());
                assertThat(fromLive.nprobe()).isEqualTo(fromOne.nprobe());
                assertThat(fromLive.points()).as("the live nprobe alone is measured").hasSize(1);
                assertThat(fromLive.met()).isTrue();

                NprobeTuner.Tuning fromLarger = NprobeTuner.tune(probe, newest.meter(), 64, target, 1e9, 32);
                assertThat(fromLarger.nprobe()).as("kept: it still reaches the target").isEqualTo(32);

                if (fromOne.nprobe() > 1) {
                    NprobeTuner.Tuning fromShort = NprobeTuner.tune(probe, newest.meter(), 64, target, 1e9, 1);
                    assertThat(fromShort.nprobe()).as("searched upwards from a live nprobe that falls short").isEqualTo(fromOne.nprobe());
                }
            }
        }
    }
}
