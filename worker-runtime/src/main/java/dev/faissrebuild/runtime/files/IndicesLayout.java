package dev.faissrebuild.runtime.files;

import dev.faissrebuild.model.IndexKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where everything lives under {@code indices/} (DESIGN.md §4):
 * <pre>
 * faiss_{h}h_{type}.faiss     what consumers open: symlink -> current/&lt;same name&gt;
 * current                     symlink -> generations/&lt;generation-id&gt;, replaced atomically
 * generations/&lt;id&gt;/           8 index files + MANIFEST.json, never changed once published
 * staging/&lt;rebuild-id&gt;/       builder output, not yet validated
 * backups/&lt;backup-id&gt;.tar.gz  compressed generation + manifest
 * .lock                       the cross-process lock every mutation holds
 * </pre>
 */
public record IndicesLayout(Path root) {

    public IndicesLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path current() {
        return root.resolve("current");
    }

    public Path generations() {
        return root.resolve("generations");
    }

    public Path generation(String id) {
        return generations().resolve(ConfinedPaths.requireSimpleName(id, "generation id"));
    }

    public Path staging() {
        return root.resolve("staging");
    }

    public Path staging(String rebuildId) {
        return staging().resolve(ConfinedPaths.requireSimpleName(rebuildId, "rebuild id"));
    }

    public Path backups() {
        return root.resolve("backups");
    }

    public Path lockFile() {
        return root.resolve(".lock");
    }

    /** The fixed path consumers open for an index. */
    public Path liveFile(IndexKey key) {
        return root.resolve(key.fileName());
    }

    /** The id of the generation {@code current} points to, if any. */
    public Optional<String> liveGenerationId() {
        try {
            if (!Files.isSymbolicLink(current())) return Optional.empty();
            return Optional.of(Files.readSymbolicLink(current()).getFileName().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The live generation's manifest, if there is a live generation and its manifest is readable. */
    public Optional<GenerationManifest> liveManifest() {
        return liveGenerationId().map(this::generation).map(g -> g.resolve(GenerationManifest.FILE_NAME))
                .filter(Files::isRegularFile).map(GenerationManifest::read);
    }
}
