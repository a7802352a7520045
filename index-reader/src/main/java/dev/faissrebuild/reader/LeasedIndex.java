package dev.faissrebuild.reader;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import java.lang.foreign.MemorySegment;

/**
 * One index of an {@link IndexSet}, for searching only: the set owns the native index, so this view
 * has no {@code close()} and refuses calls once its set is closed. (A call racing with the set's close
 * is still safe: {@link Index} fails it cleanly rather than touching freed memory.)
 */
public final class LeasedIndex {
    private final IndexKey key;
    private final Index index;
    private final GenerationManifest.Entry entry;
    private final IndexSet set;

    LeasedIndex(IndexKey key, Index index, GenerationManifest.Entry entry, IndexSet set) {
        this.key = key;
        this.index = index;
        this.entry = entry;
        this.set = set;
    }

    public IndexKey key() {
        return key;
    }

    /** What the generation's manifest records about this file (factory, nprobe, validation figures...). */
    public GenerationManifest.Entry entry() {
        return entry;
    }

    public SearchResult search(float[] queries, int k) {
        return open().search(queries, k);
    }

    public SearchResult search(MemorySegment queries, long n, int k) {
        return open().search(queries, n, k);
    }

    public long ntotal() {
        return open().ntotal();
    }

    public int dimension() {
        return open().dimension();
    }

    public Metric metric() {
        return open().metric();
    }

    private Index open() {
        if (set.isClosed()) throw new IllegalStateException(key + " of generation " + set.generationId() + ": its index set is closed");
        return index;
    }
}
