package dev.faissrebuild.deployer;

import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.store.StagedArtifacts;
import dev.faissrebuild.store.StoredEmbeddings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a new generation's files come from: rebuilt ones from staging (downloaded from the artifact store,
 * verified, when they were built on another machine), the others carried over from the live generation; and
 * the embeddings the post-deploy verification reads, from object storage when they live there.
 */
final class GenerationSources {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationSources.class);
    private final IndicesLayout layout;
    private final List<IndexKey> allKeys;
    private final DeployPolicy policy;
    private StagedArtifacts artifacts;
    private Optional<StoredEmbeddings> storedEmbeddings = Optional.empty();

    /** The manifest entries of a new generation and, by file name, the file each is hard-linked from. */
    record Collected(List<GenerationManifest.Entry> entries, Map<String, Path> sources) {}

    /** An index neither rebuilt nor live: the first deployment needs every index. */
    static final class MissingIndex extends Exception {
        final IndexKey key;

        MissingIndex(IndexKey key) {
            super(key.toString(), null, false, false);
            this.key = key;
        }
    }

    GenerationSources(IndicesLayout layout, List<IndexKey> allKeys, DeployPolicy policy) {
        this.layout = layout;
        this.allKeys = allKeys;
        this.policy = policy;
        this.artifacts = StagedArtifacts.local(layout);
    }

    void use(StagedArtifacts artifacts) {
        this.artifacts = artifacts;
    }

    void use(Optional<StoredEmbeddings> stored) {
        this.storedEmbeddings = stored;
    }

    /**
     * @throws java.nio.file.NoSuchFileException, dev.faissrebuild.store.ChecksumMismatchException a staged file cannot be had
     */
    Collected collect(Optional<String> previous, Optional<GenerationManifest> live, Map<IndexKey, SpecificRecord> outcomes)
            throws IOException, MissingIndex {
        List<GenerationManifest.Entry> entries = new ArrayList<>();
        Map<String, Path> sources = new HashMap<>();
        for (IndexKey key : allKeys) {
            if (outcomes.get(key) instanceof IndexValidated v) {
                entries.add(ManifestEntries.rebuilt(key, v));
                sources.put(key.fileName(), staged(v.getBuilt()));
            } else if (outcomes.get(key) instanceof IndexRejected r) { // waived: decide() let only those through
                entries.add(ManifestEntries.rejected(key, r, policy.waiver(r).orElseThrow()));
                sources.put(key.fileName(), staged(r.getBuilt()));
            } else if (live.flatMap(m -> m.entry(key.toString())).isPresent()) {
                entries.add(ManifestEntries.carriedOver(live.get().entry(key.toString()).get()));
                sources.put(key.fileName(), layout.generation(previous.get()).resolve(key.fileName()));
            } else {
                throw new MissingIndex(key);
            }
        }
        return new Collected(entries, sources);
    }

    /** The rebuilt indices' embeddings into the local cache (the verifier takes seeded random queries where it cannot). */
    void fetchEmbeddings(GenerationManifest manifest) {
        if (storedEmbeddings.isEmpty()) return;
        for (GenerationManifest.Entry e : manifest.files()) {
            if (!e.rebuilt() || e.embeddingsPath() == null) continue;
            try {
                storedEmbeddings.get().fetch(e.embeddingsPath());
            } catch (IOException | IllegalArgumentException x) {
                LOG.warn("event=verify_embeddings_unavailable generation={} index={} reason=\"{}\" then=random_queries", manifest.generationId(),
                        e.indexKey(), x.getMessage());
            }
        }
    }

    /** Once a rebuild is decided: its staged objects in the artifact store are no longer needed. */
    void forgetStaged(String rebuildId) {
        artifacts.forget(rebuildId);
    }

    private Path staged(IndexBuilt built) throws IOException {
        return artifacts.local(built.getStagedPath(), built.getSha256());
    }
}
