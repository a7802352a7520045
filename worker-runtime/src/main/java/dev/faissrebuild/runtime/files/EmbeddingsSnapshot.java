package dev.faissrebuild.runtime.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * An embeddings file as it was when a build or a validation started: confined to the embeddings
 * directory (a link may point elsewhere inside it, never out), a regular file (a FIFO would block a
 * reader for ever, a device is not data), its identity (inode, size, modification time) and its sha256.
 * ({@code sha256} is null for an {@link #unhashed} snapshot.) At the end, {@link #changedSince()} tells whether the file was rewritten, replaced or truncated
 * meanwhile: then whatever was computed from it is discarded, never reported as a recall figure.
 */
public record EmbeddingsSnapshot(Path file, Object fileKey, long size, long modifiedMillis, String sha256) {

    /**
     * @param sha256 the checksum when the caller already has it for this identity, or null to compute it
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static EmbeddingsSnapshot take(Path dir, Path file, String sha256) {
        Path real = confined(dir, file);
        BasicFileAttributes a = regular(real, file);
        return new EmbeddingsSnapshot(file, a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), sha256 != null ? sha256 : Sha256.of(real));
    }

    /**
     * The snapshot without its checksum (null): for a caller that hashes the file itself in a pass it
     * makes anyway (the build reads every row).
     */
    public static EmbeddingsSnapshot unhashed(Path dir, Path file) {
        BasicFileAttributes a = regular(confined(dir, file), file);
        return new EmbeddingsSnapshot(file, a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), null);
    }

    /**
     * The snapshot, trusting {@code knownSha256} when the file still has {@code knownIdentity} (see
     * {@link #identity()}): the same file, unchanged by the project's own measure of change, on the same
     * machine since the same boot; otherwise it is hashed again.
     */
    public static EmbeddingsSnapshot take(Path dir, Path file, String knownSha256, String knownIdentity) {
        EmbeddingsSnapshot now = unhashed(dir, file);
        boolean same = knownIdentity != null && knownSha256 != null && knownIdentity.equals(now.identity());
        return same ? now.withSha256(knownSha256) : take(dir, file, null);
    }

    /**
     * Which file this is and in what state, as a string another process on the same machine can compare:
     * the boot (a file key is only meaningful on one machine and one boot), the file key (device and
     * inode), the size and the modification time; null when the file system gives no file key.
     */
    public String identity() {
        String boot = BootId.get();
        if (boot == null || fileKey == null) return null;
        return "boot=" + boot + " file=" + fileKey + " size=" + size + " modified=" + modifiedMillis;
    }

    public EmbeddingsSnapshot withSha256(String sha) {
        return new EmbeddingsSnapshot(file, fileKey, size, modifiedMillis, sha);
    }

    private static BasicFileAttributes regular(Path real, Path file) {
        BasicFileAttributes a = attributes(real, file);
        if (!a.isRegularFile()) {
            String what = a.isDirectory() ? "a directory" : a.isOther() ? "not a regular file (a FIFO, socket or device)" : "not a regular file";
            throw new IllegalArgumentException("embeddings file " + file + " is " + what + "; expected a .npy file");
        }
        return a;
    }

    /** The kernel's id of this boot (Linux), read once; null where there is none. */
    private static final class BootId {
        private static final String VALUE = read();

        static String get() {
            return VALUE;
        }

        private static String read() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** What changed about the file since the snapshot, in words; empty when it is still the same file. */
    public Optional<String> changedSince() {
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return Optional.of("it is gone (" + e.getMessage() + ")");
        }
        if (!Objects.equals(now.fileKey(), fileKey)) return Optional.of("it was replaced by another file (a new inode)");
        if (now.size() != size) return Optional.of("its size went from " + size + " to " + now.size() + " bytes");
        if (now.lastModifiedTime().toMillis() != modifiedMillis) return Optional.of("it was written to (modified " + now.lastModifiedTime() + ")");
        return Optional.empty();
    }

    private static Path confined(Path dir, Path file) {
        try {
            Path real = file.toRealPath();
            Path root = dir.toRealPath();
            if (!real.startsWith(root)) {
                throw new IllegalArgumentException("embeddings file " + file + " is a link that leads outside " + dir + " (to " + real + ")");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("embeddings file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("embeddings file " + file + " cannot be resolved: " + e.getMessage());
        }
    }

    private static BasicFileAttributes attributes(Path real, Path file) {
        try {
            return Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IllegalArgumentException("embeddings file " + file + " cannot be read: " + e.getMessage());
        }
    }
}
