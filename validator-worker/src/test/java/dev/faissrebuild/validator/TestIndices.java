package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.vectors.NpyMatrix;
import java.nio.file.Path;

/** Index files for the validator's tests, built from an embeddings file as the builder would. */
final class TestIndices {
    private TestIndices() {}

    /** Trains on all of {@code source}, adds its first {@code rows} rows, writes {@code out}. */
    static Path build(Path out, Path source, long rows, String factory, Metric metric, int nprobe) {
        try (NpyMatrix m = NpyMatrix.open(source); Index index = Index.create(m.dim(), factory, metric)) {
            if (!index.isTrained()) index.train(m.segment(), m.rows());
            index.add(m.rows(0, rows), rows);
            if (nprobe > 0) index.setNprobe(nprobe);
            index.write(out);
        }
        return out;
    }
}
