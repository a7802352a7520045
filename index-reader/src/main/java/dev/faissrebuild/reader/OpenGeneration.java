package dev.faissrebuild.reader;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The indices of one generation, read from its own directory, with a reference count: the reader holds
 * one reference while the generation is published, each acquired set one more. The native indices are
 * freed when the count reaches zero, which happens exactly once since a count at zero is never raised.
 */
final class OpenGeneration {
    private final String id;
    private final Path directory;
    private final GenerationManifest manifest;
    private final Map<IndexKey, Index> indices;
    private final Consumer<OpenGeneration> onFreed;
    private final AtomicInteger refs = new AtomicInteger(1);

    private OpenGeneration(String id, Path directory, GenerationManifest manifest, Map<IndexKey, Index> indices, Consumer<OpenGeneration> onFreed) {
        this.id = id;
        this.directory = directory;
        this.manifest = manifest;
        this.indices = indices;
        this.onFreed = onFreed;
    }

    /**
     * Opens {@code generations/<id>/} directly, never through {@code current} or the per-file links:
     * those can move between two opens, the generation directory cannot (it is immutable).
     *
     * @throws RuntimeException when the manifest or any index cannot be read or disagree; nothing stays open
     */
    static OpenGeneration open(IndicesLayout layout, String id, ReaderOptions options, Consumer<OpenGeneration> onFreed) {
        Path dir = layout.generation(id);
        GenerationManifest manifest = GenerationManifest.read(dir.resolve(GenerationManifest.FILE_NAME));
        if (!id.equals(manifest.generationId())) {
            throw new IllegalStateException(dir + "/" + GenerationManifest.FILE_NAME + " names generation " + manifest.generationId());
        }
        Map<IndexKey, Index> opened = new TreeMap<>();
        try {
            for (IndexKey key : keysToOpen(manifest, options)) {
                GenerationManifest.Entry entry = manifest.entry(key.toString())
                        .orElseThrow(() -> new IllegalStateException("generation " + id + " has no " + key + " in its manifest"));
                Index index = Index.read(dir.resolve(key.fileName()));
                opened.put(key, index);
                prepare(index, entry, dir.resolve(key.fileName()), options);
            }
        } catch (RuntimeException e) {
            opened.values().forEach(Index::close);
            throw e;
        }
        return new OpenGeneration(id, dir, manifest, opened, onFreed);
    }

    private static List<IndexKey> keysToOpen(GenerationManifest manifest, ReaderOptions options) {
        if (!options.keys().isEmpty()) return options.keys();
        List<IndexKey> keys = new ArrayList<>();
        for (GenerationManifest.Entry e : manifest.files()) keys.add(IndexKey.parse(e.indexKey()));
        return keys;
    }

    /** Checks the file is the one the manifest describes, and applies the search settings it records. */
    private static void prepare(Index index, GenerationManifest.Entry entry, Path file, ReaderOptions options) {
        if (index.ntotal() != entry.ntotal() || index.dimension() != entry.dimension()) {
            throw new IllegalStateException(file + " holds " + index.ntotal() + " x " + index.dimension()
                    + ", its manifest says " + entry.ntotal() + " x " + entry.dimension());
        }
        if (options.searchThreads() > 0) index.threads(options.searchThreads());
        // the validator tuned nprobe for the recall target; the manifest, not the file, is the record of it
        if (entry.nlist() > 0 && entry.nprobe() > 0) index.setNprobe(entry.nprobe());
    }

    /** Takes a reference; false when the generation has already been freed (its successor is published). */
    boolean retain() {
        int r;
        do {
            r = refs.get();
            if (r == 0) return false;
        } while (!refs.compareAndSet(r, r + 1));
        return true;
    }

    /** Drops a reference; the last one frees the native indices, on the calling thread. */
    void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            indices.values().forEach(Index::close);
            onFreed.accept(this);
        } else if (r < 0) {
            throw new IllegalStateException("generation " + id + " released more often than retained");
        }
    }

    String id() {
        return id;
    }

    Path directory() {
        return directory;
    }

    GenerationManifest manifest() {
        return manifest;
    }

    Map<IndexKey, Index> indices() {
        return indices;
    }
}
