package dev.faissrebuild.store;

import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staged index files between the builder, the validators and the deployer. An {@code IndexBuilt}'s
 * {@code staged_path} ({@code staging/<rebuild>/<file>}) is both the file under this machine's indices
 * directory and, with a store, the object's key: the builder uploads it, and a worker on another machine
 * downloads it into its own indices directory, verified against the event's sha256, before reading it.
 * Without a store every method is today's behaviour: the file is where the builder wrote it.
 */
public final class StagedArtifacts {
    private static final Logger LOG = LoggerFactory.getLogger(StagedArtifacts.class);
    private final Optional<ArtifactStore> store;
    private final IndicesLayout layout;

    public StagedArtifacts(Optional<ArtifactStore> store, IndicesLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    public static StagedArtifacts local(IndicesLayout layout) {
        return new StagedArtifacts(Optional.empty(), layout);
    }

    public boolean shared() {
        return store.isPresent();
    }

    /** Builder: puts the staged file in the store (nothing to do without one). */
    public void upload(String stagedPath, String sha256) throws IOException {
        if (store.isEmpty()) return;
        long t0 = System.nanoTime();
        Path file = ConfinedPaths.resolve(layout.root(), stagedPath);
        ArtifactStore.StoredObject o = Retries.of(() -> store.get().put(stagedPath, file, sha256));
        LOG.info("event=artifact_uploaded key={} bytes={} seconds={} store={}", stagedPath, o.size(), seconds(t0), store.get().describe());
    }

    /**
     * Validator, deployer: the staged file on this machine. When it is not here, it is downloaded from the store
     * and must have {@code sha256} (the builder's), or it is refused and nothing is left.
     *
     * @throws java.nio.file.NoSuchFileException neither here nor in the store
     * @throws ChecksumMismatchException the stored bytes are not the ones the builder hashed
     */
    public Path local(String stagedPath, String sha256) throws IOException {
        Path file = ConfinedPaths.resolve(layout.root(), stagedPath);
        if (Files.isRegularFile(file) || store.isEmpty()) return file;
        long t0 = System.nanoTime();
        ArtifactStore.StoredObject o = Retries.of(() -> store.get().get(stagedPath, file));
        if (!o.sha256().equals(sha256)) {
            Files.deleteIfExists(file);
            throw new ChecksumMismatchException(store.get().describe(), stagedPath, sha256, o.sha256());
        }
        LOG.info("event=artifact_downloaded key={} bytes={} seconds={} store={}", stagedPath, o.size(), seconds(t0), store.get().describe());
        return file;
    }

    /** Deployer, once a rebuild is decided: its staged objects are no longer needed (the local files go with the staging janitor). */
    public void forget(String rebuildId) {
        if (store.isEmpty()) return;
        String prefix = layout.root().relativize(layout.staging(rebuildId)) + "/";
        try {
            for (String key : store.get().keys(prefix)) store.get().delete(key);
        } catch (IOException e) {
            LOG.warn("event=staged_artifacts_not_removed rebuild={} store={} error=\"{}\"", rebuildId, store.get().describe(), e.getMessage());
        }
    }

    static String seconds(long startNanos) {
        return String.format("%.3f", (System.nanoTime() - startNanos) / 1e9);
    }
}
