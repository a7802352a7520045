package dev.faissrebuild.trigger;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.store.StoredEmbeddings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether an index's embeddings changed since the live generation was built from them
 * (sha256 of the file against the manifest's), so a scheduled run with nothing new does no work.
 * Hashes are cached by file size and modification time: a 10 GB file is not read every Sunday.
 */
public final class EmbeddingsChanges {
    private final Path embeddingsDir;
    private final IndicesLayout layout;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();
    private Optional<StoredEmbeddings> stored = Optional.empty();

    private record Cached(long size, long modified, String sha256) {}

    public EmbeddingsChanges(Path embeddingsDir, IndicesLayout layout) {
        this.embeddingsDir = embeddingsDir;
        this.layout = layout;
    }

    /** Why the index need not be rebuilt, or empty when it should be. */
    public Optional<String> unchanged(IndexKey key) {
        Optional<GenerationManifest.Entry> live = layout.liveManifest().flatMap(m -> m.entry(key.toString()));
        if (live.isEmpty() || live.get().embeddingsSha256() == null) return Optional.empty();
        return current(key).filter(live.get().embeddingsSha256()::equals)
                .map(sha -> "embeddings unchanged since the live index was built (sha256 " + sha.substring(0, 12) + "…)");
    }

    /** True when a live index of {@code key} exists and its embeddings file now holds other data than it was built from. */
    public boolean changedSinceLive(IndexKey key) {
        Optional<GenerationManifest.Entry> live = layout.liveManifest().flatMap(m -> m.entry(key.toString()));
        if (live.isEmpty() || live.get().embeddingsSha256() == null) return false;
        return current(key).map(sha -> !sha.equals(live.get().embeddingsSha256())).orElse(false);
    }

    /** {@code paths.embeddings_dir = s3://...}: the sha256 the store holds for a file is compared, nothing downloaded. */
    public EmbeddingsChanges withStored(Optional<StoredEmbeddings> stored) {
        this.stored = stored;
        return this;
    }

    /** The sha256 of the key's embeddings as they are now; empty when there is no such file (or it cannot be read). */
    private Optional<String> current(IndexKey key) {
        if (stored.isPresent()) {
            try {
                return stored.get().sha256(key.embeddingsFileName());
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        Path file = embeddingsDir.resolve(key.embeddingsFileName());
        return Files.isRegularFile(file) ? sha256(file) : Optional.empty();
    }

    private Optional<String> sha256(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Cached c = cache.get(file);
            if (c != null && c.size() == a.size() && c.modified() == a.lastModifiedTime().toMillis()) return Optional.of(c.sha256());
            String sha = Sha256.of(file);
            cache.put(file, new Cached(a.size(), a.lastModifiedTime().toMillis(), sha));
            return Optional.of(sha);
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
