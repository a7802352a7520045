package dev.faissrebuild.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.faiss.HeldOutRecall;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.testing.PythonFaiss;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.NpyWriter;
import dev.faissrebuild.vectors.RowSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every gate, passing and failing for the reason it exists, on real indices. */
class IndexValidatorTest {
    static final int ROWS = 4000;
    static final int DIM = 32;
    @TempDir static Path dir;
    static Path embeddings;

    static ValidationSettings settings(double minRecall) {
        return new ValidationSettings(10, 400, minRecall, 100, 200, 2, 20241105L, 0.01, 0.5, 0.0, null);
    }

    @BeforeAll
    static void data() {
        embeddings = TestData.weatherLike(dir.resolve("embeddings_24h.npy"), ROWS, DIM, 24);
    }

    /** Builds an index from the first {@code rows} rows of {@code source}. */
    static Path build(String name, Path source, long rows, String factory, Metric metric, int nprobe) {
        return TestIndices.build(dir.resolve(name + ".faiss"), source, rows, factory, metric, nprobe);
    }

    static ValidationOutcome validate(IndexType type, Path file, String sha, double minRecall) {
        return new IndexValidator(settings(minRecall)).validate(new Candidate("24h/" + type.code(), type, file, sha, embeddings));
    }

    static Gate gate(ValidationOutcome o, String name) {
        return o.gates().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aCorrectFlatIndexPassesEveryGate() {
        Path flat = build("flat", embeddings, ROWS, "Flat", Metric.INNER_PRODUCT, 0);
        ValidationOutcome o = validate(IndexType.FLATIP, flat, Sha256.of(flat), 0.95);
        assertThat(o).isInstanceOf(ValidationOutcome.Validated.class);
        assertThat(o.gates()).extracting(Gate::name).containsExactly("structure", "search_sanity", "latency", "recall",
                "regression_recall", "regression_latency");
        assertThat(o.gates().subList(0, 4)).allMatch(g -> g.status() == Gate.Status.PASSED);
        assertThat(gate(o, "regression_recall").status()).isEqualTo(Gate.Status.SKIPPED);
        assertThat(gate(o, "regression_recall").detail()).contains("no live generation");
        assertThat(o.figures().recallAtK()).isEqualTo(1.0);
        assertThat(o.figures().oneRecallAt1()).isEqualTo(1.0);
        assertThat(o.figures().latencyP99Ms()).isPositive().isGreaterThanOrEqualTo(o.figures().latencyP50Ms());
    }

    @Test
    void aCoarseIvfpqIsRejectedByTheRecallGateWithItsFigure() {
        Path coarse = build("coarse", embeddings, ROWS, "IVF64,PQ4np", Metric.INNER_PRODUCT, 1);
        ValidationOutcome o = validate(IndexType.IVFPQ, coarse, Sha256.of(coarse), 0.95);
        assertThat(o).isInstanceOfSatisfying(ValidationOutcome.Rejected.class, r -> {
            assertThat(r.firstFailedGate()).isEqualTo("recall");
            assertThat(r.reason()).startsWith("rejected by the recall gate: recall@10 0.").contains("minimum 0.9500");
        });
        Gate recall = gate(o, "recall");
        assertThat(recall.figure()).isLessThan(0.5);
        assertThat(recall.threshold()).isEqualTo(0.95);
    }

    @Test
    void eachStructuralProblemIsCaughtByTheStructureGate() throws Exception {
        Path good = build("good", embeddings, ROWS, "Flat", Metric.INNER_PRODUCT, 0);
        Path narrow = build("narrow", TestData.weatherLike(dir.resolve("narrow.npy"), ROWS, 16, 1), ROWS, "Flat", Metric.INNER_PRODUCT, 0);
        Path l2 = build("l2", embeddings, ROWS, "Flat", Metric.L2, 0);
        Path fewer = build("fewer", embeddings, ROWS - 500, "Flat", Metric.INNER_PRODUCT, 0);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.faiss"), Arrays.copyOf(bytes, bytes.length / 3));
        assertStructure(IndexType.FLATIP, narrow, Sha256.of(narrow), "dimension 16 differs from the embeddings' 32");
        assertStructure(IndexType.FLATIP, l2, Sha256.of(l2), "metric is l2, expected inner_product");
        assertStructure(IndexType.FLATIP, truncated, null, "FAISS cannot read truncated.faiss");
        assertStructure(IndexType.FLATIP, good, "0".repeat(64), "differs from the builder's 000000000000");
        assertStructure(IndexType.FLATIP, fewer, Sha256.of(fewer), "holds 3500 vectors, the embeddings have 4000");
        assertStructure(IndexType.IVFPQ, good, Sha256.of(good), "FAISS type IndexFlatIP is not a ivfpq index");
    }

    private static void assertStructure(IndexType type, Path file, String sha, String expected) {
        ValidationOutcome o = validate(type, file, sha, 0.95);
        assertThat(o).as(file.getFileName().toString()).isInstanceOfSatisfying(ValidationOutcome.Rejected.class, r -> {
            assertThat(r.firstFailedGate()).isEqualTo("structure");
            assertThat(r.reason()).contains(expected);
        });
        assertThat(o.gates().subList(1, o.gates().size())).allMatch(g -> g.status() == Gate.Status.SKIPPED);
    }

    @Test
    void withValidationDisabledOnlyTheIntegrityGateRunsAndEveryOtherGateSaysWhy() throws Exception {
        Path config = Files.writeString(dir.resolve("off.json"), "{\"validation\": {\"enabled\": false}}");
        ValidationSettings off = ValidationSettings.from(ConfigLoader.load(config, dir).validation(), 2, dir);
        Path coarse = build("coarse-unchecked", embeddings, ROWS, "IVF64,PQ4np", Metric.INNER_PRODUCT, 1); // the recall gate rejects it
        ValidationOutcome o = new IndexValidator(off).validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, coarse, Sha256.of(coarse), embeddings));
        assertThat(o).isInstanceOfSatisfying(ValidationOutcome.Validated.class, v -> assertThat(v.qualityChecked()).isFalse());
        assertThat(gate(o, "structure").status()).isEqualTo(Gate.Status.PASSED);
        assertThat(o.gates().subList(1, o.gates().size())).hasSize(5).allSatisfy(g -> {
            assertThat(g.status()).isEqualTo(Gate.Status.SKIPPED);
            assertThat(g.detail()).contains("validation.enabled = false").contains("not quality-checked");
        });
        assertThat(o.figures().recallAtK()).isNull();
        // integrity is never skipped: a file consumers cannot use is still rejected
        byte[] bytes = Files.readAllBytes(coarse);
        Path truncated = Files.write(dir.resolve("truncated-unchecked.faiss"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(new IndexValidator(off).validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, truncated, null, embeddings)))
                .isInstanceOfSatisfying(ValidationOutcome.Rejected.class, r -> assertThat(r.firstFailedGate()).isEqualTo("structure"));
    }

    @Test
    void aCandidateWorseThanTheLiveIndexIsRejectedByTheRegressionGates() {
        Path live = build("live", embeddings, ROWS, "IVF64,PQ16np", Metric.INNER_PRODUCT, 64);
        Path worse = build("worse", embeddings, ROWS, "IVF64,PQ16np", Metric.INNER_PRODUCT, 2);
        Path slower = build("slower", embeddings, ROWS, "IVF64,PQ16np", Metric.INNER_PRODUCT, 64);
        Path fastLive = build("fastlive", embeddings, ROWS, "IVF64,PQ16np", Metric.INNER_PRODUCT, 1);
        IndexValidator v = new IndexValidator(settings(0.2));
        ValidationOutcome lowerRecall = v.validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, worse, null, embeddings,
                new Candidate.Baseline("g1", live, 0.5, true)));
        assertThat(lowerRecall).isInstanceOfSatisfying(ValidationOutcome.Rejected.class, r -> {
            assertThat(r.firstFailedGate()).isEqualTo("regression_recall");
            assertThat(r.reason()).contains("measured now on the same queries");
        });
        ValidationOutcome slowerP99 = v.validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, slower, null, embeddings,
                new Candidate.Baseline("g1", fastLive, 0.1, true)));
        assertThat(gate(slowerP99, "regression_recall").status()).isEqualTo(Gate.Status.PASSED);
        assertThat(slowerP99).isInstanceOfSatisfying(ValidationOutcome.Rejected.class,
                r -> assertThat(r.firstFailedGate()).isEqualTo("regression_latency"));
        // built from other embeddings: the recorded recall is the baseline
        ValidationOutcome recorded = v.validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, live, null, embeddings,
                new Candidate.Baseline("g7", live, 0.999, false)));
        assertThat(gate(recorded, "regression_recall").detail()).contains("as recorded in generation g7");
        assertThat(gate(recorded, "regression_recall").status()).isEqualTo(Gate.Status.FAILED);
    }

    @Test
    void aCandidateAsGoodAsTheLiveIndexPassesTheRegressionGatesWithTheDefaultSlack() {
        Path live = build("same-live", embeddings, ROWS, "IVF64,PQ16np", Metric.INNER_PRODUCT, 16);
        Path candidate = build("same-candidate", embeddings, ROWS, "IVF64,PQ16np", Metric.INNER_PRODUCT, 16);
        ValidationSettings s = new ValidationSettings(10, 400, 0.2, 100, 200, 2, 20241105L, 0.01, 0.5, 1.0, null);
        ValidationOutcome o = new IndexValidator(s).validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, candidate, null, embeddings,
                new Candidate.Baseline("g1", live, null, true)));
        assertThat(gate(o, "regression_recall").status()).isEqualTo(Gate.Status.PASSED);
        assertThat(gate(o, "regression_latency").status()).as(gate(o, "regression_latency").detail()).isEqualTo(Gate.Status.PASSED);
    }

    @Test
    void anIndexOverOtherDataIsNotALatencyRegressionOnlyTheBudgetJudgesIt() {
        // the live index over a quarter of the rows: the candidate is slower because it holds more, not because it is worse
        Path small = build("quarter-live", embeddings, ROWS / 4, "Flat", Metric.INNER_PRODUCT, 0);
        Path full = build("full-candidate", embeddings, ROWS, "Flat", Metric.INNER_PRODUCT, 0);
        ValidationOutcome o = new IndexValidator(settings(0.95)).validate(new Candidate("24h/flatip", IndexType.FLATIP, full, null, embeddings,
                new Candidate.Baseline("g1", small, 1.0, false)));
        assertThat(gate(o, "regression_latency").status()).isEqualTo(Gate.Status.SKIPPED);
        assertThat(gate(o, "regression_latency").detail()).contains("holds " + ROWS / 4 + " vectors").contains("only the latency budget");
        assertThat(gate(o, "latency").status()).isEqualTo(Gate.Status.PASSED);
    }

    @Test
    void recallAgreesWithPythonFaissAndNumpyExactSearch() throws Exception {
        Path ivf = build("ivf", embeddings, ROWS, "IVF64,PQ8np", Metric.INNER_PRODUCT, 8);
        ValidationOutcome o = validate(IndexType.IVFPQ, ivf, null, 0.0);
        // the published figure: the newest rows held out of the index, queries drawn from them
        HeldOutRecall.Split split = HeldOutRecall.Split.newest(ROWS, 400, 20241105L);
        Path held = dir.resolve("held.json");
        new ObjectMapper().writeValue(held.toFile(), Arrays.stream(split.queryRows()).boxed().toList());
        double pythonHeldOut = PythonFaiss.run("held_out_recall", ivf.toString(), embeddings.toString(), String.valueOf(split.indexedRows()),
                held.toString(), "10").get("recall").asDouble();
        assertThat(o.figures().recallAtK()).isEqualTo(pythonHeldOut);
        assertThat(gate(o, "recall").detail()).contains("over 400 queries (drawn from the newest 1000 rows, held out of a copy of the index)");
        // own rows as queries (the flat index's check): the meter agrees with Python too
        long[] queryIds = RowSample.distinct(ROWS, 400, 20241105L);
        Path ids = dir.resolve("qids.json");
        new ObjectMapper().writeValue(ids.toFile(), Arrays.stream(queryIds).boxed().toList());
        double pythonOwn = PythonFaiss.run("exact_recall", ivf.toString(), embeddings.toString(), ids.toString(), "10").get("recall").asDouble();
        try (NpyMatrix x = NpyMatrix.open(embeddings); Index index = Index.read(ivf);
             RecallMeter own = new RecallMeter(x, queryIds, 10, Metric.INNER_PRODUCT, 2)) {
            assertThat(own.measure(index, false).atK()).isEqualTo(pythonOwn);
        }
        assertThat(pythonHeldOut).isBetween(0.05, 0.99);
        assertThat(pythonOwn).isBetween(0.05, 0.99);
    }

    @Test
    void aHeldOutQueryFileIsUsedWhenConfigured() throws Exception {
        Path queries = TestData.weatherLike(dir.resolve("heldout.npy"), 300, DIM, 99);
        Path ivf = build("ivf-queries", embeddings, ROWS, "IVF64,PQ8np", Metric.INNER_PRODUCT, 64);
        ValidationOutcome o = new IndexValidator(settings(0.0).withQueriesFile(queries))
                .validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, ivf, null, embeddings));
        assertThat(o).isInstanceOf(ValidationOutcome.Validated.class);
        assertThat(o.figures().queries()).isEqualTo(300);
        assertThat(gate(o, "search_sanity").detail()).doesNotContain("found itself");
        assertThat(gate(o, "recall").detail()).contains("the query file heldout.npy");
        // a flat index is proved exact whatever the queries: the query file changes nothing for it
        Path flat = build("flat2", embeddings, ROWS, "Flat", Metric.INNER_PRODUCT, 0);
        ValidationOutcome exact = new IndexValidator(settings(0.95).withQueriesFile(queries))
                .validate(new Candidate("24h/flatip", IndexType.FLATIP, flat, null, embeddings));
        assertThat(List.of(exact.figures().recallAtK())).containsExactly(1.0);
        assertThat(gate(exact, "recall").detail()).contains("byte for byte");
    }

    @Test
    void aFlatIndexOfOtherVectorsIsRejectedNamingTheFirstRowThatDiffers() throws Exception {
        Path other = dir.resolve("other.npy");
        float[] data = new float[ROWS * DIM];
        try (NpyMatrix x = NpyMatrix.open(embeddings)) {
            for (int i = 0; i < ROWS; i++) System.arraycopy(x.row(i), 0, data, i * DIM, DIM);
        }
        data[1234 * DIM + 7] += 0.5f;
        NpyWriter.write(other, data, DIM);
        Path flat = build("flat-other", other, ROWS, "Flat", Metric.INNER_PRODUCT, 0);
        ValidationOutcome o = validate(IndexType.FLATIP, flat, null, 0.95);
        assertThat(o).isInstanceOf(ValidationOutcome.Rejected.class);
        assertThat(gate(o, "recall").status()).isEqualTo(Gate.Status.FAILED);
        assertThat(gate(o, "recall").detail()).contains("differ from the embeddings at row 1234, value 7").contains("not exact");
        assertThat(o.figures().recallAtK()).isNull();
    }

    @Test
    void aFlatIndexIsTimedOnFewerQueriesAsItGrows() {
        assertThat(IndexValidator.flatQueries(13_148, 256, 1000)).isEqualTo(1000);
        assertThat(IndexValidator.flatQueries(2_000_000, 256, 1000)).isEqualTo(IndexValidator.MIN_FLAT_QUERIES);
        assertThat(IndexValidator.flatQueries(200_000, 256, 1000)).isBetween(100, 200);
        assertThat(IndexValidator.flatQueries(10, 4, 1000)).isEqualTo(10);
    }
}
