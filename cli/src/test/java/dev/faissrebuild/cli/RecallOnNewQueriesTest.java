package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.builder.BuilderService;
import dev.faissrebuild.builder.BuiltIndex;
import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.validator.Candidate;
import dev.faissrebuild.validator.IndexValidator;
import dev.faissrebuild.validator.ValidationOutcome;
import dev.faissrebuild.validator.ValidationSettings;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.NpyWriter;
import dev.faissrebuild.vectors.RowSample;
import dev.faissrebuild.vectors.WeatherLikeEmbeddings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recall the pipeline publishes is recall for queries that are not in the index: built and validated
 * as the workers do (real FAISS, real files), then checked against queries the index never saw — the
 * series' continuation (the states after the newest indexed one, what the forecasting service searches
 * with) and another series of the same process.
 */
class RecallOnNewQueriesTest {
    static final int ROWS = 13_148; // the 24h/48h size of the existing service
    static final int DIM = 32;
    /** The recipe's code of 2 dimensions per sub-quantizer for d = 32, fixed: trying each candidate would take minutes. */
    static final String FACTORY = "IVF256,PQ16np";
    static final int QUERIES = 1_000;
    static final int K = 10;
    static final double TARGET = 0.85;
    static final long SERIES = 24;

    @TempDir Path dir;

    @Test
    void thePublishedRecallIsWhatQueriesNotInTheIndexGet() throws Exception {
        // the first ROWS states are indexed; the QUERIES states after them are new ones
        Path embeddings = dir.resolve("embeddings_24h.npy");
        NpyWriter.write(embeddings, ROWS, DIM, new WeatherLikeEmbeddings(ROWS + QUERIES, DIM, 42, SERIES));
        Path continuation = dir.resolve("continuation.npy");
        NpyWriter.write(continuation, QUERIES, DIM, lastRows(ROWS, QUERIES, DIM));
        Path otherSeries = TestData.weatherLike(dir.resolve("other_series.npy"), ROWS + QUERIES, DIM, 99);

        Path file = dir.resolve("faiss_24h_ivfpq.faiss");
        BuiltIndex built = new IndexBuilder().build(new IndexBuilder.Request(embeddings, IndexType.IVFPQ, FACTORY, 0, file, 2,
                new IndexBuilder.Target(TARGET, BuilderService.TUNING_MARGIN, K, 100, QUERIES, 256)));
        ValidationSettings settings = new ValidationSettings(K, QUERIES, TARGET, 100, 200, 2, 20241105L, 0.01, 0.5, 5.0, null);
        ValidationOutcome outcome = new IndexValidator(settings).validate(new Candidate("24h/ivfpq", IndexType.IVFPQ, file, built.sha256(), embeddings));
        assertThat(outcome).isInstanceOf(ValidationOutcome.Validated.class);
        double published = outcome.figures().recallAtK();

        try (NpyMatrix x = NpyMatrix.open(embeddings); NpyMatrix next = NpyMatrix.open(continuation); NpyMatrix other = NpyMatrix.open(otherSeries);
             Index index = Index.read(file).threads(2);
             RecallMeter ownRows = new RecallMeter(x, RowSample.distinct(ROWS, QUERIES, 20241105L), K, Metric.INNER_PRODUCT, 2);
             RecallMeter newStates = RecallMeter.heldOut(x, next, QUERIES, K, Metric.INNER_PRODUCT, 2);
             RecallMeter otherStates = RecallMeter.heldOut(x, other, QUERIES, K, Metric.INNER_PRODUCT, 2)) {
            double own = ownRows.measure(index, false).atK();
            double trueNext = newStates.measure(index, false).atK();
            double trueOther = otherStates.measure(index, false).atK();
            System.out.printf("recall@%d of %s nprobe %d (%d x %d): own rows (old figure) %.4f; published (newest rows held out) %.4f; "
                            + "true, the series' continuation %.4f; true, another series %.4f%n",
                    K, built.factory(), built.nprobe(), ROWS, DIM, own, published, trueNext, trueOther);
            for (double truth : new double[] {trueNext, trueOther}) {
                assertThat(truth).isGreaterThanOrEqualTo(TARGET);
                assertThat(Math.abs(published - truth)).as("published %.4f against true %.4f", published, truth).isLessThanOrEqualTo(0.02);
            }
        }
    }

    /** Rows {@code skip} .. {@code skip + count - 1} of the weather-like series of {@code skip + count} rows. */
    private static NpyWriter.RowSource lastRows(long skip, long count, int dim) {
        WeatherLikeEmbeddings series = new WeatherLikeEmbeddings(skip + count, dim, 42, SERIES);
        float[] scratch = new float[dim];
        for (long r = 0; r < skip; r++) series.fill(r, scratch);
        return (row, out) -> series.fill(skip + row, out);
    }
}
