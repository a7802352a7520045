package dev.faissrebuild.store;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings files kept in object storage ({@code paths.embeddings_dir = s3://bucket/prefix}), read through a
 * local cache ({@code <state_dir>/embeddings-cache/}): a file is streamed to disk (never into the heap), its
 * sha256 verified on the way against the {@code x-amz-meta-sha256} the upstream pipeline stored it with, and
 * renamed into the cache; it is downloaded again only when the stored sha256 changes. A reader that has the
 * old copy open keeps it (the rename leaves its inode alone), and the builders' and validators' checks see
 * the change as a changed file. The upstream uploads with the metadata, e.g. boto3
 * {@code upload_file(f, bucket, key, ExtraArgs={"Metadata": {"sha256": digest}})}.
 */
public final class StoredEmbeddings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoredEmbeddings.class);
    private final ArtifactStore store;
    private final Path cache;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public StoredEmbeddings(ArtifactStore store, Path cache) {
        this.store = store;
        this.cache = cache;
    }

    /** Empty unless {@code paths.embeddings_dir} is an {@code s3://} location. */
    public static Optional<StoredEmbeddings> configured(FaissRebuildConfig c) {
        if (!c.paths().embeddingsInStore()) return Optional.empty();
        return Optional.of(new StoredEmbeddings(ConfiguredStore.open(c.paths().embeddingsDir(), c.artifacts(), System.getenv()), c.paths().embeddings()));
    }

    /**
     * The cached copy of {@code name} (relative to the embeddings location), brought up to date with the store first.
     * @throws NoSuchFileException no such object
     * @throws ChecksumMismatchException the bytes are not the ones the upstream hashed (the cached copy is left as it was)
     */
    public Path fetch(String name) throws IOException {
        Path file = ConfinedPaths.resolve(cache, name);
        synchronized (locks.computeIfAbsent(name, n -> new Object())) {
            String wanted = sha256(name).orElseThrow(() -> new NoSuchFileException(store.describe() + "/" + name, null, "no such object"));
            Path sidecar = LocalArtifactStore.sidecar(file);
            if (Files.isRegularFile(file) && Files.isRegularFile(sidecar) && Files.readString(sidecar).strip().equals(wanted)) return file;
            long t0 = System.nanoTime();
            ArtifactStore.StoredObject o = Retries.of(() -> store.get(name, file));
            DurableFiles.writeString(sidecar, o.sha256() + "\n");
            LOG.info("event=embeddings_downloaded file={} bytes={} seconds={} store={}", name, o.size(), StagedArtifacts.seconds(t0), store.describe());
            return file;
        }
    }

    /** The sha256 the store holds for {@code name} (one HEAD request; nothing downloaded); empty when there is no such object. */
    public Optional<String> sha256(String name) throws IOException {
        Optional<ArtifactStore.StoredObject> o = store.stat(name);
        if (o.isPresent() && o.get().sha256().isEmpty()) {
            throw new IOException(store.describe() + "/" + name + " carries no sha256 metadata: upload it with x-amz-meta-sha256 set to the file's "
                    + "sha256 (boto3: ExtraArgs={\"Metadata\": {\"sha256\": digest}}) so that every reader can verify it");
        }
        return o.map(ArtifactStore.StoredObject::sha256);
    }

    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
