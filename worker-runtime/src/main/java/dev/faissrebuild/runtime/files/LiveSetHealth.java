package dev.faissrebuild.runtime.files;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.http.Health;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code live_set} health check: what consumers would open is there and intact. Nothing deployed
 * is a warning; a fixed path that is missing, unreadable, of another size than the manifest says, or
 * whose sha256 differs from it is critical. Cheap per request: the result is cached for a few seconds,
 * and a file is hashed only when its identity (inode, size, modification time) changed since it was
 * last verified — generation files never change, so a live set is hashed once per deploy.
 */
public final class LiveSetHealth {
    private static final Duration FRESH_FOR = Duration.ofSeconds(5);
    private final IndicesLayout layout;
    private final List<IndexKey> keys;
    private final Map<Path, Verified> verified = new ConcurrentHashMap<>();
    private volatile Health.Check last;
    private volatile long checkedAt;

    private record Verified(Object fileKey, long size, long modified, String sha256) {}

    public LiveSetHealth(IndicesLayout layout, List<IndexKey> keys) {
        this.layout = layout;
        this.keys = List.copyOf(keys);
    }

    public synchronized Health.Check check() {
        long now = System.nanoTime();
        if (last == null || now - checkedAt > FRESH_FOR.toNanos()) {
            last = evaluate();
            checkedAt = System.nanoTime();
        }
        return last;
    }

    private Health.Check evaluate() {
        Optional<String> live = layout.liveGenerationId();
        if (live.isEmpty()) return Health.Check.warning("nothing deployed yet: no live generation at " + layout.current());
        Optional<GenerationManifest> manifest = readManifest();
        if (manifest.isEmpty()) return Health.Check.down("live generation " + live.get() + " has no readable " + GenerationManifest.FILE_NAME);
        List<String> problems = new ArrayList<>();
        for (IndexKey key : keys) {
            var entry = manifest.get().entry(key.toString());
            if (entry.isEmpty()) problems.add(key + ": not in the live manifest");
            else problems.addAll(problem(key, entry.get()));
        }
        String gen = manifest.get().generationId();
        return problems.isEmpty() ? Health.Check.up("generation " + gen + ": " + keys.size() + " files intact")
                : Health.Check.down("generation " + gen + ": " + String.join("; ", problems));
    }

    private Optional<GenerationManifest> readManifest() {
        try {
            return layout.liveManifest();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private List<String> problem(IndexKey key, GenerationManifest.Entry e) {
        Path file = layout.liveFile(key);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (a.size() != e.sizeBytes()) return List.of(key + ": " + file + " holds " + a.size() + " bytes, the manifest says " + e.sizeBytes());
            Path real = file.toRealPath();
            Verified v = verified.get(real);
            if (v == null || !v.fileKey().equals(a.fileKey()) || v.size() != a.size() || v.modified() != a.lastModifiedTime().toMillis()) {
                try (FileChannel ignored = FileChannel.open(real, StandardOpenOption.READ)) {
                    // opening proves readability before the (long) hash
                }
                v = new Verified(a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), Sha256.of(real));
                verified.put(real, v);
            }
            if (!v.sha256().equals(e.sha256())) return List.of(key + ": " + file + " sha256 " + v.sha256().substring(0, 12)
                    + "… differs from the manifest's " + e.sha256().substring(0, 12) + "…");
            return List.of();
        } catch (NoSuchFileException ex) {
            return List.of(key + ": " + file + " is missing (or a link to nothing)");
        } catch (IOException | java.io.UncheckedIOException ex) {
            return List.of(key + ": " + file + " cannot be read (" + ex.getMessage() + ")");
        }
    }
}
