package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.ProcessMemory;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds one index file from one embeddings file: plan, train on a sample, add in chunks straight from
 * the memory-mapped {@code .npy}, write durably. No Kafka here: the builder worker and the CLI's
 * {@code build-index} both call this.
 */
public final class IndexBuilder {
    /** Rows added per FAISS call: bounds the resident part of a file larger than RAM. */
    static final long ADD_CHUNK_ROWS = 65_536;
    private static final long SAMPLE_SEED = 1234;

    /**
     * @param factory an operator's factory string, or null for the recipe's
     * @param nprobe an operator's nprobe, or 0 for the plan's
     */
    public record Request(Path embeddings, IndexType type, String factory, int nprobe, Path output, int threads) {}

    public BuiltIndex build(Request request) {
        long started = System.nanoTime();
        try (NpyMatrix vectors = NpyMatrix.open(request.embeddings())) {
            IndexPlan plan = request.factory() == null
                    ? IndexRecipe.plan(request.type(), vectors.rows(), vectors.dim())
                    : IndexPlan.custom(request.type(), request.factory(), vectors.rows());
            try (Index index = Index.create(vectors.dim(), plan.factory(), plan.metric())) {
                index.threads(request.threads());
                long trained = train(index, vectors, plan.trainingRows());
                addAll(index, vectors);
                int nprobe = request.nprobe() > 0 ? request.nprobe() : plan.nprobe();
                if (nprobe > 0) index.setNprobe(nprobe);
                DurableFiles.replace(request.output(), index::write);
                double seconds = (System.nanoTime() - started) / 1e9;
                var info = index.info();
                return new BuiltIndex(request.output(), Sha256.of(request.output()), Files.size(request.output()),
                        index.dimension(), index.ntotal(), plan.factory(), plan.metric(), (int) Math.max(0, info.nlist()),
                        (int) Math.max(0, info.nprobe()), Math.max(0, info.pqM()), trained,
                        seconds, ProcessMemory.peakRssBytes(), request.embeddings(), Sha256.of(request.embeddings()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + request.output(), e);
        }
    }

    /** Adds every vector, checked and in chunks straight from the mapping; room is reserved first where that helps. */
    public static void addAll(Index index, NpyMatrix vectors) {
        index.reserve(vectors.rows());
        vectors.forEachChunk(ADD_CHUNK_ROWS, (from, n, chunk) -> index.add(chunk, n));
    }

    /** Returns the rows trained on. Trains on all vectors in place when they fit the budget, else on a seeded random sample copied out. */
    private static long train(Index index, NpyMatrix vectors, long rows) {
        if (index.isTrained() || rows == 0) return 0;
        if (rows >= vectors.rows()) {
            vectors.requireFinite();
            index.train(vectors.segment(), vectors.rows());
            return vectors.rows();
        }
        try (Arena arena = Arena.ofConfined()) {
            long[] sample = RowSample.distinct(vectors.rows(), (int) rows, SAMPLE_SEED);
            MemorySegment training = vectors.gather(sample, arena);
            for (long row : sample) vectors.requireFinite(row, 1);
            index.train(training, rows);
            return rows;
        }
    }
}
