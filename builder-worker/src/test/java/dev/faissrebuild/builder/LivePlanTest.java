package dev.faissrebuild.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuild starts from what the live index learned: on data of the same shape the IVF-PQ search begins
 * at the live code size (the coarser codes already fell short), and every phase's time is accounted for.
 */
class LivePlanTest {
    static final IndexBuilder.Target TARGET = new IndexBuilder.Target(0.80, 0.015, 10, 100, 300, 256);
    @TempDir Path dir;

    @Test
    void theCandidatesStartAtTheLiveCodeSize() {
        List<IndexPlan> all = IndexRecipe.ivfpqCandidates(13_148, 256, 256);
        assertThat(all).extracting(IndexPlan::pqM).containsExactly(64, 128, 256);
        assertThat(IndexRecipe.fromLive(all, "IVF256,PQ128np")).extracting(IndexPlan::pqM).containsExactly(128, 256);
        assertThat(IndexRecipe.fromLive(all, "IVF256,PQ64np")).extracting(IndexPlan::pqM).containsExactly(64, 128, 256);
        assertThat(IndexRecipe.fromLive(all, "IVF256,PQ96np")).as("a code the recipe does not make: all candidates").isEmpty();
        assertThat(IndexRecipe.fromLive(all, "Flat")).isEmpty();
    }

    @Test
    void theLiveSettingsApplyOnlyToDataOfTheSameShape() {
        LiveSettings live = new LiveSettings("g1", "IVF256,PQ128np", 13_148, 256);
        assertThat(live.fits(13_148, 256)).isTrue();
        assertThat(live.fits(16_000, 256)).as("+22 %").isTrue();
        assertThat(live.fits(17_000, 256)).as("+29 %").isFalse();
        assertThat(live.fits(9_000, 256)).as("-32 %").isFalse();
        assertThat(live.fits(13_148, 128)).as("another dimension").isFalse();
    }

    @Test
    void plansSayWhereTheyCameFrom() {
        Path npy = dir.resolve("e.npy");
        LiveSettings live = new LiveSettings("g1", "IVF64,PQ16np", 4_000, 32);
        assertThat(IndexBuilder.plans(request(npy, IndexType.IVFPQ, null, live), 4_000, 32).source()).isEqualTo("live");
        assertThat(IndexBuilder.plans(request(npy, IndexType.IVFPQ, null, live), 4_000, 32).plans()).extracting(IndexPlan::pqM)
                .containsExactly(16, 32);
        assertThat(IndexBuilder.plans(request(npy, IndexType.IVFPQ, null, null), 4_000, 32).source()).isEqualTo("recipe");
        assertThat(IndexBuilder.plans(request(npy, IndexType.IVFPQ, null, live), 8_000, 32).plans()).as("the data grew 100 %")
                .extracting(IndexPlan::pqM).containsExactly(8, 16, 32);
        assertThat(IndexBuilder.plans(request(npy, IndexType.IVFPQ, "IVF16,PQ8np", live), 4_000, 32).source()).isEqualTo("operator");
        assertThat(IndexBuilder.plans(request(npy, IndexType.FLATIP, null, live), 4_000, 32).source()).isEqualTo("recipe");
    }

    @Test
    void aBuildFromTheLiveSettingsSkipsTheCoarserCodeAndAccountsForEveryPhase() {
        Path npy = TestData.weatherLike(dir.resolve("embeddings_6h.npy"), 4_000, 32, 5);
        LiveSettings live = new LiveSettings("g1", "IVF64,PQ16np", 4_000, 32);
        BuiltIndex b = new IndexBuilder().build(request(npy, IndexType.IVFPQ, null, live));
        assertThat(b.planSource()).isEqualTo("live");
        assertThat(b.pqM()).isGreaterThanOrEqualTo(16);
        assertThat(b.phaseSeconds()).containsKeys("train", "add", "tune", "write", "hash");
        double phases = b.phaseSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(phases).as("the phases are parts of the build's time").isLessThanOrEqualTo(b.buildSeconds());
        assertThat(phases).as("and the build's time is mostly its phases").isGreaterThan(0.5 * b.buildSeconds());
    }

    private IndexBuilder.Request request(Path npy, IndexType type, String factory, LiveSettings live) {
        return new IndexBuilder.Request(npy, type, factory, 0, dir.resolve(type.code() + ".faiss"), 2, TARGET, null, live, -1);
    }
}
