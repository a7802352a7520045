package dev.faissrebuild.deployer;

import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes immutable generation directories. A generation is assembled in a hidden temporary directory
 * (files hard-linked: staged files from the builder, unchanged files from the previous generation),
 * every checksum verified against its manifest entry, the manifest written, everything fsynced, and
 * only then renamed to {@code generations/<id>}: a crash leaves either no generation or a complete one.
 */
public final class GenerationStore {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private final IndicesLayout layout;

    public GenerationStore(IndicesLayout layout) {
        this.layout = layout;
    }

    /** Sortable, and the same for the same rebuild (a redelivered deploy finds its own generation): {@code g20261124T193501Z-a1b2c3}. */
    public static String newId(Instant at, String rebuildId) {
        String tail = rebuildId.substring(rebuildId.lastIndexOf('-') + 1).replaceAll("[^A-Za-z0-9]", "");
        return "g" + ID_TIME.format(at) + "-" + (tail.isEmpty() ? "x" : tail);
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

    /** Leftovers of generations that were being assembled when a process died. */
    public void removeIncomplete() throws IOException {
        if (!Files.isDirectory(layout.generations())) return;
        try (Stream<Path> dirs = Files.list(layout.generations())) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) deleteTree(d);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
