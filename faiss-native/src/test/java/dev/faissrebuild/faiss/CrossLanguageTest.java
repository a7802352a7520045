package dev.faissrebuild.faiss;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faissrebuild.testing.PythonFaiss;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.NpyWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written from Java are read by Python FAISS with the same results, and the other way round. */
class CrossLanguageTest {
    static final int ROWS = 6000;
    static final int DIM = 64;
    static final int K = 10;
    @TempDir static Path dir;
    static Path embeddings;
    static Path queries;
    static float[] queryVectors;

    @BeforeAll
    static void data() throws Exception {
        embeddings = TestData.weatherLike(dir.resolve("embeddings_6h.npy"), ROWS, DIM, 6);
        try (NpyMatrix m = NpyMatrix.open(embeddings)) {
            long[] rows = new long[50];
            for (int i = 0; i < rows.length; i++) rows[i] = i * 113L;
            queryVectors = new float[rows.length * DIM];
            for (int i = 0; i < rows.length; i++) System.arraycopy(m.row(rows[i]), 0, queryVectors, i * DIM, DIM);
        }
        queries = dir.resolve("queries.npy");
        NpyWriter.write(queries, queryVectors, DIM);
    }

    @Test
    void flatBuiltFromMappedNpyIsReadByPythonWithSameNeighbours() {
        Path out = dir.resolve("flat.faiss");
        long[][] javaIds = buildWriteSearch("Flat", out, 0);
        assertThat(PythonFaiss.ids(PythonFaiss.run("search", out.toString(), queries.toString(), "" + K))).isDeepEqualTo(javaIds);
        // each query is a row of the index: exact search finds it first
        assertThat(javaIds[1][0]).isEqualTo(113L);
    }

    @Test
    void ivfpqBuiltFromMappedNpyIsReadByPythonWithSameNeighbours() {
        Path out = dir.resolve("ivfpq.faiss");
        long[][] javaIds = buildWriteSearch("IVF64,PQ16np", out, 8);
        assertThat(PythonFaiss.ids(PythonFaiss.run("search", out.toString(), queries.toString(), "" + K))).isDeepEqualTo(javaIds);
        assertThat(PythonFaiss.ids(PythonFaiss.run("search", out.toString(), queries.toString(), "" + K, "mmap"))).isDeepEqualTo(javaIds);
        try (Index mapped = Index.readMapped(out)) {
            assertThat(rows(mapped.search(queryVectors, K))).isDeepEqualTo(javaIds);
        }
    }

    @Test
    void indexWrittenByPythonIsReadAndSearchedFromJava() {
        Path out = dir.resolve("python-ivf.faiss");
        PythonFaiss.run("build", embeddings.toString(), "IVF32,PQ8", "ip", out.toString(), "4");
        long[][] pythonIds = PythonFaiss.ids(PythonFaiss.run("search", out.toString(), queries.toString(), "" + K));
        try (Index index = Index.read(out)) {
            assertThat(index.ntotal()).isEqualTo(ROWS);
            assertThat(index.metric()).isEqualTo(Metric.INNER_PRODUCT);
            assertThat(index.info().nprobe()).isEqualTo(4);
            assertThat(rows(index.search(queryVectors, K))).isDeepEqualTo(pythonIds);
        }
    }

    private static long[][] buildWriteSearch(String factory, Path out, int nprobe) {
        try (NpyMatrix m = NpyMatrix.open(embeddings); Index index = Index.create(DIM, factory, Metric.INNER_PRODUCT)) {
            if (!index.isTrained()) index.train(m.segment(), m.rows());
            m.forEachChunk(1000, (from, n, chunk) -> index.add(chunk, n));
            if (nprobe > 0) index.setNprobe(nprobe);
            assertThat(index.ntotal()).isEqualTo(ROWS);
            index.write(out);
            long[][] ids = rows(index.search(queryVectors, K));
            try (Index reread = Index.read(out)) {
                assertThat(rows(reread.search(queryVectors, K))).isDeepEqualTo(ids);
            }
            return ids;
        }
    }

    static long[][] rows(SearchResult r) {
        long[][] ids = new long[r.n()][];
        for (int i = 0; i < r.n(); i++) ids[i] = r.idsOf(i);
        return ids;
    }

    @Test
    void recallOfPythonAgreesWithJavaExactSearch() {
        Path out = dir.resolve("flat-recall.faiss");
        buildWriteSearch("Flat", out, 0);
        try (NpyMatrix m = NpyMatrix.open(embeddings)) {
            SearchResult exact = ExactSearch.knn(m.segment(), m.rows(), queryVectors, DIM, K, Metric.INNER_PRODUCT, 1);
            JsonNode py = PythonFaiss.run("search", out.toString(), queries.toString(), "" + K);
            assertThat(PythonFaiss.ids(py)).isDeepEqualTo(rows(exact));
        }
    }
}
