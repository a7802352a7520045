package dev.faissrebuild.testing;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.NpyWriter;
import dev.faissrebuild.vectors.WeatherLikeEmbeddings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Embeddings files for tests, written as the product writes them. */
public final class TestData {
    private TestData() {}

    /** A weather-like {@code .npy} of {@code rows} x {@code dim} at {@code file}. */
    public static Path weatherLike(Path file, long rows, int dim, long seed) {
        try {
            NpyWriter.write(file, rows, dim, new WeatherLikeEmbeddings(rows, dim, 42, seed));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An inner-product index of {@code factory} over every row of {@code x}, trained on its first {@code trainRows}; the caller closes it. */
    public static Index trained(NpyMatrix x, String factory, long trainRows) {
        Index index = Index.create(x.dim(), factory, Metric.INNER_PRODUCT);
        index.train(x.rows(0, trainRows), trainRows);
        index.add(x.segment(), x.rows());
        return index;
    }
}
