package dev.faissrebuild.reader;

import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consistent set: every index from the same generation, held open until {@link #close()} even if a
 * newer generation is published meanwhile. Acquire one per request (or batch of searches) and close it
 * promptly: a retired generation's memory is freed only when its last set is closed. Thread-safe;
 * closing twice is harmless.
 */
public final class IndexSet implements AutoCloseable {
    private final OpenGeneration generation;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    IndexSet(OpenGeneration generation, Runnable onClose) {
        this.generation = generation;
        this.onClose = onClose;
    }

    public String generationId() {
        return generation.id();
    }

    /** {@code indices/generations/<id>/}, the directory every index of the set was read from. */
    public Path directory() {
        return generation.directory();
    }

    public GenerationManifest manifest() {
        return generation.manifest();
    }

    public Set<IndexKey> keys() {
        return generation.indices().keySet();
    }

    /** @throws IllegalArgumentException when the set does not hold {@code key} (see {@link ReaderOptions#keys()}) */
    public LeasedIndex index(IndexKey key) {
        if (closed.get()) throw new IllegalStateException("index set of generation " + generationId() + " is closed");
        var index = generation.indices().get(key);
        if (index == null) throw new IllegalArgumentException("generation " + generationId() + " was opened without " + key + "; it holds " + keys());
        var entry = generation.manifest().entry(key.toString()).orElseThrow();
        return new LeasedIndex(key, index, entry, this);
    }

    public SearchResult search(IndexKey key, float[] queries, int k) {
        return index(key).search(queries, k);
    }

    OpenGeneration generation() {
        return generation;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Releases the set; the first call only. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        generation.release();
        onClose.run();
    }

    @Override
    public String toString() {
        return "IndexSet[" + generationId() + (closed.get() ? ", closed]" : "]");
    }
}
