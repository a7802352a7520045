package dev.faissrebuild.deployer;

import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes immutable generation directories. A generation is assembled in a hidden temporary directory
 * (files hard-linked: staged files from the builder, unchanged files from the previous generation),
 * every checksum verified against its manifest entry, the manifest written, everything fsynced, and
 * only then renamed to {@code generations/<id>}: a crash leaves either no generation or a complete one.
 */
public final class GenerationStore {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationStore.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private final IndicesLayout layout;

    public GenerationStore(IndicesLayout layout) {
        this.layout = layout;
    }

    /** Sortable, and the same for the same rebuild (a redelivered deploy finds its own generation): {@code g20261124T193501Z-a1b2c3}. */
    public static String newId(Instant at, String rebuildId) {
        return "g" + idTime(at) + "-" + idTail(rebuildId);
    }

    /** {@code 20261124T193501Z}: the time part of generation and backup ids (UTC, so ids sort by time). */
    public static String idTime(Instant at) {
        return ID_TIME.format(at);
    }

    /** The last {@code -}-separated part of an id, letters and digits only ({@code x} if none). */
    public static String idTail(String id) {
        String tail = id.substring(id.lastIndexOf('-') + 1).replaceAll("[^A-Za-z0-9]", "");
        return tail.isEmpty() ? "x" : tail;
    }

    /**
     * Publishes a generation.
     *
     * @param sources for each file name of the manifest, the file to hard-link into the generation
     */
    public Path write(GenerationManifest manifest, Map<String, Path> sources) throws IOException {
        Path finalDir = layout.generation(manifest.generationId());
        if (Files.isDirectory(finalDir)) return finalDir; // published before a crash or a redelivery: immutable, reuse
        Files.createDirectories(layout.generations());
        Path tmp = layout.generations().resolve(".tmp-" + manifest.generationId());
        deleteTree(tmp);
        Files.createDirectories(tmp);
        for (GenerationManifest.Entry e : manifest.files()) {
            Path source = sources.get(e.fileName());
            if (source == null || !Files.isRegularFile(source)) throw new IOException("no file for " + e.fileName() + " (expected " + source + ")");
            Path dest = tmp.resolve(e.fileName());
            Files.createLink(dest, source);
            String sha = Sha256.of(dest);
            if (!sha.equals(e.sha256())) {
                throw new IOException(e.fileName() + " has sha256 " + sha + ", expected " + e.sha256() + " (source " + source + ")");
            }
            DurableFiles.fsync(dest);
        }
        CrashPoints.hit("generation.after_files");
        DurableFiles.writeString(tmp.resolve(GenerationManifest.FILE_NAME), manifest.toJson());
        DurableFiles.fsync(tmp);
        CrashPoints.hit("generation.after_manifest");
        Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsync(layout.generations());
        return finalDir;
    }

    /**
     * Every published generation, oldest first (by creation time, then id). A directory without a
     * readable manifest is not a published generation and is left out (and alone).
     */
    public List<GenerationManifest> list() throws IOException {
        if (!Files.isDirectory(layout.generations())) return List.of();
        List<GenerationManifest> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(layout.generations())) {
            for (Path d : dirs.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p)).toList()) {
                Path manifest = d.resolve(GenerationManifest.FILE_NAME);
                if (!Files.isRegularFile(manifest)) continue;
                try {
                    found.add(GenerationManifest.read(manifest));
                } catch (UncheckedIOException e) {
                    LOG.warn("event=generation_unreadable dir={} problem=\"{}\"", d, e.getMessage());
                }
            }
        }
        found.sort(Comparator.comparing(GenerationManifest::createdAt).thenComparing(GenerationManifest::generationId));
        return found;
    }

    /** The manifest of a published generation, if it exists. */
    public Optional<GenerationManifest> manifest(String generationId) {
        Path file = layout.generation(generationId).resolve(GenerationManifest.FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(GenerationManifest.read(file)) : Optional.empty();
    }

    /**
     * Deletes a generation (callers hold the indices lock and never pass the live one). It is first
     * renamed to a hidden {@code .tmp-} name in one step, so a crash halfway through the deletion never
     * leaves a generation with missing files under its own name (one a rollback could switch to); the
     * leftover is removed by {@link #removeIncomplete}. Crash point {@code cleanup.generation_hidden}: renamed
     * aside, files not yet deleted.
     */
    public void delete(String generationId) throws IOException {
        Path dir = layout.generation(generationId);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
        Path doomed = layout.generations().resolve(".tmp-deleting-" + generationId);
        deleteTree(doomed);
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsync(layout.generations());
        CrashPoints.hit("cleanup.generation_hidden");
        deleteTree(doomed);
    }

    /** Leftovers of generations that were being assembled (or deleted) when a process died. */
    public void removeIncomplete() throws IOException {
        if (!Files.isDirectory(layout.generations())) return;
        try (Stream<Path> dirs = Files.list(layout.generations())) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) deleteTree(d);
        }
    }

    /** Renamed to a hidden name in one step first, so a crash leaves a leftover, never a half-deleted directory under its own name. */
    public static void deleteAside(Path dir) throws IOException {
        Path aside = dir.resolveSibling(".tmp-deleting-" + dir.getFileName());
        deleteTree(aside);
        Files.move(dir, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsync(dir.getParent());
        deleteTree(aside);
    }

    /** Deletes a directory and everything under it; symlinks are removed, never followed. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
