package dev.faissrebuild.testing;

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
}
