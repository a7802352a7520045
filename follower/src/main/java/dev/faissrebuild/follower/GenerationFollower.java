package dev.faissrebuild.follower;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.GenerationSwitch;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.store.ChecksumMismatchException;
import dev.faissrebuild.store.PublishedGenerations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving host's copy of the deployer's live set. One pass: read {@code LIVE} from the store; if this host
 * serves another generation, download the published one into a hidden {@code generations/.tmp-<id>} (the
 * manifest checked against its marker, every file against the store's sha256 and the manifest's), fsync,
 * rename it to {@code generations/<id>} and switch {@code current} with the deployer's own
 * {@link GenerationSwitch}. Local readers see the old set or the new one, complete, never a mix; a process
 * killed mid-download leaves only the hidden directory, removed by the next pass. It keeps the generation it
 * replaced (a rollback switches back at once, without a download) and removes older ones.
 *
 * <p>Crash point {@code follow.after_first_file}: one file of the new generation downloaded.
 */
public final class GenerationFollower {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationFollower.class);
    private final PublishedGenerations published;
    private final IndicesLayout layout;
    private final GenerationStore generations;

    public GenerationFollower(PublishedGenerations published, IndicesLayout layout) {
        this.published = published;
        this.layout = layout;
        this.generations = new GenerationStore(layout);
    }

    public IndicesLayout layout() {
        return layout;
    }

    /** One pass; store failures other than a refused object are thrown (the caller retries at its next pass). */
    public SyncResult syncOnce() throws IOException {
        return syncTo(published.live());
    }

    /** One pass towards what {@code LIVE} said when the caller read it. */
    public SyncResult syncTo(Optional<PublishedGenerations.Live> live) throws IOException {
        if (live.isEmpty()) return new SyncResult.NothingPublished();
        String id = live.get().generationId();
        Optional<String> here = layout.liveGenerationId();
        if (here.filter(id::equals).isPresent()) return new SyncResult.UpToDate(id);
        Files.createDirectories(layout.root());
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "follow: switch to " + id, Duration.ofMinutes(1))) {
            long t0 = System.nanoTime();
            generations.removeIncomplete();
            long bytes;
            GenerationManifest manifest;
            try {
                Optional<GenerationManifest> kept = generations.manifest(id);
                manifest = kept.isPresent() ? kept.get() : download(id);
                bytes = kept.isPresent() ? 0 : manifest.files().stream().mapToLong(GenerationManifest.Entry::sizeBytes).sum();
            } catch (ChecksumMismatchException | NoSuchFileException e) {
                generations.removeIncomplete();
                LOG.error("event=follow_refused generation={} live_here={} reason=\"{}\"", id, here.orElse("none"), e.getMessage());
                return new SyncResult.Refused(id, e.getMessage() + "; this host keeps generation " + here.orElse("(none)"));
            }
            List<IndexKey> keys = manifest.files().stream().map(e -> IndexKey.parse(e.indexKey())).toList();
            new GenerationSwitch(layout).switchTo(id, keys);
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.info("event=follow_switched generation={} previous={} bytes={} seconds={}", id, here.orElse("none"), bytes, String.format("%.3f", seconds));
            removeOlder(id, here);
            return new SyncResult.Switched(here.orElse(null), id, bytes, seconds);
        }
    }

    /** The published generation, assembled in a hidden directory and renamed into place once every byte is verified. */
    private GenerationManifest download(String id) throws IOException {
        Path tmp = layout.generations().resolve(".tmp-" + id);
        Files.createDirectories(tmp);
        GenerationManifest manifest = published.manifest(id, tmp);
        LOG.info("event=follow_download_started generation={} files={} bytes={}", id, manifest.files().size(),
                manifest.files().stream().mapToLong(GenerationManifest.Entry::sizeBytes).sum());
        boolean first = true;
        for (GenerationManifest.Entry e : manifest.files()) {
            published.fetch(manifest, e, tmp);
            if (first) CrashPoints.hit("follow.after_first_file");
            first = false;
        }
        DurableFiles.fsync(tmp);
        Files.move(tmp, layout.generation(id), StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsync(layout.generations());
        return manifest;
    }

    /** Keeps the live generation and the one it replaced (the rollback target); the others go. */
    private void removeOlder(String live, Optional<String> replaced) throws IOException {
        for (GenerationManifest m : generations.list()) {
            String g = m.generationId();
            if (g.equals(live) || replaced.filter(g::equals).isPresent()) continue;
            generations.delete(g);
            LOG.info("event=follow_generation_removed generation={}", g);
        }
    }
}
