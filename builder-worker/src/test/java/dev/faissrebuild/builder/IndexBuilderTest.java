package dev.faissrebuild.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexBuilderTest {
    @TempDir Path dir;

    @Test
    void buildsBothTypesFromTheRecipe() {
        Path npy = TestData.weatherLike(dir.resolve("embeddings_6h.npy"), 12_000, 64, 1);
        for (IndexType type : IndexType.values()) {
            Path out = dir.resolve(type.code() + ".faiss");
            BuiltIndex b = new IndexBuilder().build(new IndexBuilder.Request(npy, type, null, 0, out, 2));
            assertThat(b.ntotal()).isEqualTo(12_000);
            assertThat(b.dimension()).isEqualTo(64);
            assertThat(b.metric()).isEqualTo(Metric.INNER_PRODUCT);
            assertThat(b.sha256()).isEqualTo(Sha256.of(out));
            assertThat(b.sizeBytes()).isEqualTo(out.toFile().length());
            assertThat(b.peakRssBytes()).isPositive();
            try (Index index = Index.read(out)) {
                assertThat(index.ntotal()).isEqualTo(12_000);
                assertThat(index.metric()).isEqualTo(Metric.INNER_PRODUCT);
                assertThat(index.info().faissClass()).isEqualTo(type == IndexType.FLATIP ? "IndexFlatIP" : "IndexIVFPQ");
            }
        }
        try (var files = java.util.stream.Stream.of(dir.toFile().list())) {
            assertThat(files.filter(f -> f.contains(".tmp"))).isEmpty();
        }
    }

    @Test
    void trainsOnASampleWhenTheFileIsLarge() {
        Path npy = TestData.weatherLike(dir.resolve("big.npy"), 40_000, 32, 2);
        BuiltIndex b = new IndexBuilder().build(new IndexBuilder.Request(npy, IndexType.IVFPQ, "IVF16,PQ8np", 0, dir.resolve("s.faiss"), 2));
        // the newest 2,000 rows (1/20) are the recall gate's held-out queries: never trained on
        assertThat(b.trainingRows()).isEqualTo(38_000); // custom factory: FAISS subsamples itself
        BuiltIndex planned = new IndexBuilder().build(new IndexBuilder.Request(npy, IndexType.IVFPQ, null, 0, dir.resolve("p.faiss"), 2));
        assertThat(planned.nlist()).isEqualTo(512);
        assertThat(planned.trainingRows()).isEqualTo(38_000); // 256 x 512 > 38,000
    }

    @Test
    void aNanInTheFileFailsTheBuildNamingTheRowAndLeavesNoOutput() throws Exception {
        Path npy = TestData.weatherLike(dir.resolve("nan.npy"), 5_000, 16, 3);
        byte[] bytes = Files.readAllBytes(npy);
        long offset = bytes.length - 5_000L * 16 * 4 + (4321L * 16 + 5) * 4;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) offset, Float.NaN);
        Files.write(npy, bytes);
        Path out = dir.resolve("nan.faiss");
        for (IndexType type : IndexType.values()) {
            assertThatThrownBy(() -> new IndexBuilder().build(new IndexBuilder.Request(npy, type, null, 0, out, 1)))
                    .isInstanceOf(InvalidEmbeddingsException.class)
                    .hasMessageContaining(npy.toString())
                    .hasMessageContaining("row 4321, column 5 is NaN");
            assertThat(out).doesNotExist();
        }
    }
}
