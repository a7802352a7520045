package dev.faissrebuild.deployer;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;

/**
 * Makes a published generation the live one with a single atomic step: a new symlink renamed over
 * {@code indices/current}. Readers see the old set or the new set, never a mix, never a missing file.
 * The per-file paths consumers open ({@code indices/faiss_24h_ivfpq.faiss}) are stable symlinks through
 * {@code current}, so they need no change when generations switch. Callers hold the indices lock.
 */
public final class GenerationSwitch {
    private final IndicesLayout layout;

    public GenerationSwitch(IndicesLayout layout) {
        this.layout = layout;
    }

    /** Points {@code current} at {@code generationId} (which must be fully written and synced). */
    public void switchTo(String generationId, Collection<IndexKey> keys) throws IOException {
        Path target = layout.generation(generationId);
        if (!Files.isDirectory(target)) throw new IOException("generation " + generationId + " does not exist at " + target);
        // the stable links first: they point through current, so they are right before and after the switch,
        // and a crash between the two steps never leaves a live set without its fixed paths
        for (IndexKey key : keys) ensureStableLink(key);
        CrashPoints.hit("switch.before_current");
        replaceLink(layout.current(), layout.root().relativize(target));
        CrashPoints.hit("switch.after_current");
    }

    /** {@code faiss_X.faiss -> current/faiss_X.faiss}, created or repaired atomically. */
    private void ensureStableLink(IndexKey key) throws IOException {
        Path link = layout.liveFile(key);
        Path wanted = Path.of("current", key.fileName());
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(wanted)) return;
        replaceLink(link, wanted);
    }

    /** Creates a symlink beside {@code link} and renames it over {@code link}: rename(2) is atomic. */
    private static void replaceLink(Path link, Path target) throws IOException {
        Path tmp = link.resolveSibling("." + link.getFileName() + ".swap-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.fsync(link.getParent());
    }
}
