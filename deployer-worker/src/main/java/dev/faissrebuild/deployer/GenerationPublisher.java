package dev.faissrebuild.deployer;

import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.store.ArtifactStore;
import dev.faissrebuild.store.PublishedGenerations;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the deployer's live set into the artifact store for serving hosts ({@code faiss-rebuild follow}):
 * the live generation published (files, manifest, then its marker), {@code LIVE} pointed at it, and the store
 * keeping exactly the generations this disk keeps. The deployer's disk is the truth and the store follows it,
 * so one method serves a deploy, a rollback (automatic or an operator's) and the catch-up after the store was
 * unreachable: it runs right after each switch and every {@link #PERIOD} besides. Without a store it does nothing.
 */
public final class GenerationPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationPublisher.class);
    public static final Duration PERIOD = Duration.ofSeconds(30);
    private final IndicesLayout layout;
    private final Optional<PublishedGenerations> published;

    public GenerationPublisher(IndicesLayout layout, Optional<ArtifactStore> store) {
        this.layout = layout;
        this.published = store.map(PublishedGenerations::new);
    }

    public static GenerationPublisher none(IndicesLayout layout) {
        return new GenerationPublisher(layout, Optional.empty());
    }

    /** Under the indices lock the caller holds: publishes the live generation if the store does not say it is live. Never throws. */
    public Optional<String> mirror(IndicesLock held) {
        if (published.isEmpty()) return Optional.empty();
        Optional<GenerationManifest> live = layout.liveManifest();
        if (live.isEmpty()) return Optional.empty();
        String id = live.get().generationId();
        PublishedGenerations p = published.get();
        try {
            if (p.live().filter(l -> l.generationId().equals(id)).isPresent()) return Optional.empty();
            p.publish(live.get(), layout.generation(id));
            p.pointLive(id, Instant.now());
            Set<String> keep = new HashSet<>();
            for (GenerationManifest m : new GenerationStore(layout).list()) keep.add(m.generationId());
            p.retainOnly(keep);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            String problem = "generation " + id + " is live here but not yet in " + p.store().describe() + ": " + e.getMessage()
                    + "; serving hosts keep their generation, and the deployer tries again every " + PERIOD.toSeconds() + " s";
            LOG.error("event=publish_failed generation={} reason=\"{}\"", id, problem);
            return Optional.of(problem);
        }
    }

    /** The periodic catch-up: takes the lock only if it is free at once (a deploy in progress publishes by itself). */
    public void mirrorIfIdle() {
        if (published.isEmpty()) return;
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "deployer: publish the live generation", Duration.ZERO)) {
            mirror(lock);
        } catch (IndicesLock.BusyException e) {
            // the holder is a deploy or an operator; the next period tries again
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("event=publish_skipped reason=\"{}\"", e.getMessage());
        }
    }
}
