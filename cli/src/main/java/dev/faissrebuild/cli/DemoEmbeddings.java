package dev.faissrebuild.cli;

import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.vectors.NpyWriter;
import dev.faissrebuild.vectors.WeatherLikeEmbeddings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The demo's embeddings files: production sizes, one shared encoder, one series per horizon. */
final class DemoEmbeddings {
    private DemoEmbeddings() {}

    /** Vectors per horizon in the existing service: 18 years daily (6h, 12h) or twice daily (24h, 48h). */
    static long productionCount(Horizon h) {
        return h.hours() <= 12 ? 6_574 : 13_148;
    }

    static Path write(Path dir, Horizon h, long count, int dim, long seed) throws IOException {
        Path file = dir.resolve(new IndexKey(h, IndexType.FLATIP).embeddingsFileName());
        NpyWriter.write(file, count, dim, new WeatherLikeEmbeddings(count, dim, seed, seed * 31 + h.hours()));
        return file;
    }

    /** Writes the production-size files that are missing; returns how many it wrote. */
    static int writeMissing(Path dir, int dim, long seed) throws IOException {
        int written = 0;
        for (Horizon h : Horizon.values()) {
            if (!Files.exists(dir.resolve(new IndexKey(h, IndexType.FLATIP).embeddingsFileName()))) {
                write(dir, h, productionCount(h), dim, seed);
                written++;
            }
        }
        return written;
    }
}
