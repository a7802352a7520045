package dev.faissrebuild.store;

import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generations as the deployer publishes them for serving hosts ({@code faiss-rebuild follow}):
 * <pre>
 * generations/&lt;id&gt;/faiss_24h_ivfpq.faiss   the files, each with its sha256
 * generations/&lt;id&gt;/MANIFEST.json          the same manifest as on the deployer's disk
 * generations/&lt;id&gt;/PUBLISHED              written last: the manifest's sha256; without it the generation does not exist
 * LIVE                                    the live generation's id and when it went live, replaced in one PUT
 * </pre>
 * An object store has no rename, so completeness is the marker: a reader that finds {@code PUBLISHED} finds
 * every file it names (they were all put before it), and a crashed publish leaves no marker.
 */
public final class PublishedGenerations {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedGenerations.class);
    static final String LIVE = "LIVE";
    static final String MARKER = "PUBLISHED";
    private final ArtifactStore store;

    /** What {@code LIVE} says: the generation serving hosts should have, and since when. */
    public record Live(String generationId, Instant since) {}

    public PublishedGenerations(ArtifactStore store) {
        this.store = store;
    }

    public ArtifactStore store() {
        return store;
    }

    static String key(String generationId, String file) {
        return "generations/" + generationId + "/" + file;
    }

    /** Puts every file of a local generation directory (those already there with the same sha256 are skipped), the manifest, then the marker. */
    public void publish(GenerationManifest manifest, Path dir) throws IOException {
        String id = manifest.generationId();
        if (published(id)) return;
        long t0 = System.nanoTime();
        long bytes = 0;
        for (GenerationManifest.Entry e : manifest.files()) {
            String key = key(id, e.fileName());
            if (store.stat(key).filter(o -> o.sha256().equals(e.sha256())).isPresent()) continue;
            bytes += store.put(key, dir.resolve(e.fileName()), e.sha256()).size();
        }
        Path manifestFile = dir.resolve(GenerationManifest.FILE_NAME);
        String manifestSha = Sha256.of(manifestFile);
        store.put(key(id, GenerationManifest.FILE_NAME), manifestFile, manifestSha);
        putText(key(id, MARKER), manifestSha + "\n");
        LOG.info("event=generation_published generation={} bytes={} seconds={} store={}", id, bytes, StagedArtifacts.seconds(t0), store.describe());
    }

    /** Points {@code LIVE} at a published generation (a deploy, or a rollback to one). */
    public void pointLive(String generationId, Instant since) throws IOException {
        if (!published(generationId)) throw new IOException("generation " + generationId + " is not published in " + store.describe());
        putText(LIVE, generationId + "\n" + since + "\n");
        LOG.info("event=live_pointer_set generation={} store={}", generationId, store.describe());
    }

    /** What {@code LIVE} says, if anything has gone live through this store yet. */
    public Optional<Live> live() throws IOException {
        if (store.stat(LIVE).isEmpty()) return Optional.empty();
        List<String> lines = getText(LIVE).lines().toList();
        return Optional.of(new Live(lines.get(0).strip(), Instant.parse(lines.get(1).strip())));
    }

    public boolean published(String generationId) throws IOException {
        return store.stat(key(generationId, MARKER)).isPresent();
    }

    /** The ids of every published generation. */
    public Set<String> ids() throws IOException {
        return new java.util.TreeSet<>(store.keys("generations/").stream()
                .filter(k -> k.endsWith("/" + MARKER)).map(k -> k.split("/")[1]).toList());
    }

    /**
     * The manifest of a published generation, downloaded to {@code dir} and checked against the marker.
     * @throws ChecksumMismatchException the manifest is not the one that was published
     */
    public GenerationManifest manifest(String generationId, Path dir) throws IOException {
        String expected = getText(key(generationId, MARKER)).strip();
        Path file = dir.resolve(GenerationManifest.FILE_NAME);
        ArtifactStore.StoredObject o = store.get(key(generationId, GenerationManifest.FILE_NAME), file);
        if (!o.sha256().equals(expected)) {
            Files.deleteIfExists(file);
            throw new ChecksumMismatchException(store.describe(), o.key(), expected, o.sha256());
        }
        return GenerationManifest.read(file);
    }

    /**
     * Downloads one file of a published generation into {@code dir}: its bytes must have both the store's sha256 and
     * the manifest's (a file replaced in the store with a matching sidecar is still refused).
     */
    public long fetch(GenerationManifest manifest, GenerationManifest.Entry e, Path dir) throws IOException {
        Path file = dir.resolve(ConfinedPaths.requireSimpleName(e.fileName(), "file name in the manifest of " + manifest.generationId()));
        ArtifactStore.StoredObject o = store.get(key(manifest.generationId(), e.fileName()), file);
        if (!o.sha256().equals(e.sha256())) {
            Files.deleteIfExists(file);
            throw new ChecksumMismatchException(store.describe(), o.key(), e.sha256(), o.sha256());
        }
        return o.size();
    }

    /** Removes published generations not in {@code keep}: the marker first, so a half-removed one is never taken for complete. */
    public void retainOnly(Set<String> keep) throws IOException {
        for (String id : ids()) {
            if (keep.contains(id)) continue;
            store.delete(key(id, MARKER));
            for (String key : store.keys("generations/" + id + "/")) store.delete(key);
            LOG.info("event=published_generation_removed generation={} store={}", id, store.describe());
        }
    }

    private void putText(String key, String text) throws IOException {
        Path tmp = Files.createTempFile("faiss-rebuild-", ".txt");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            store.put(key, tmp, Sha256.of(tmp));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private String getText(String key) throws IOException {
        Path tmp = Files.createTempFile("faiss-rebuild-", ".txt");
        try {
            store.get(key, tmp);
            return Files.readString(tmp, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
