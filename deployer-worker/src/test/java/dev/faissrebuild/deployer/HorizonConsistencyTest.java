package dev.faissrebuild.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.runtime.files.GenerationManifest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A generation never holds, for one horizon, indices of two dimensions or from two embeddings files. */
class HorizonConsistencyTest {
    static GenerationManifest.Entry entry(String key, int d, String sha, boolean rebuilt) {
        return new GenerationManifest.Entry(key, key.replace('/', '_') + ".faiss", "ab", 1, d, 10, "Flat", "inner_product", 0, 0,
                1.0, 1.0, 0.1, "embeddings.npy", sha, "r1", rebuilt);
    }

    @Test
    void aNewFlatIndexOfAnotherDimensionBesideTheLiveIvfpqIsRefusedWithTheReason() {
        List<String> problems = HorizonConsistency.problems(List.of(entry("6h/flatip", 32, "aaaa1111aaaa1111", true),
                entry("6h/ivfpq", 64, "bbbb2222bbbb2222", false), entry("24h/flatip", 64, "cccc", false), entry("24h/ivfpq", 64, "cccc", false)));
        assertThat(problems).singleElement().asString().contains("6h/flatip (d=32").contains("6h/ivfpq (d=64").contains("--horizons 6");
    }

    @Test
    void theSameDimensionFromAnotherEmbeddingsFileIsRefusedToo() {
        assertThat(HorizonConsistency.problems(List.of(entry("6h/flatip", 64, "aaaa", true), entry("6h/ivfpq", 64, "bbbb", false)))).hasSize(1);
    }

    @Test
    void aConsistentSetPassesAndAWholeHorizonDimensionChangeIsReported() {
        List<GenerationManifest.Entry> next = List.of(entry("6h/flatip", 32, "new", true), entry("6h/ivfpq", 32, "new", true));
        assertThat(HorizonConsistency.problems(next)).isEmpty();
        GenerationManifest live = new GenerationManifest(1, "g1", java.time.Instant.now(), "r0", "MANUAL", null,
                List.of(entry("6h/flatip", 64, "old", true), entry("6h/ivfpq", 64, "old", true)));
        assertThat(HorizonConsistency.dimensionChanges(Optional.of(live), next)).containsExactly("6h: 64 -> 32");
    }
}
