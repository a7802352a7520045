package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The name of a backup: {@code b20261124T193501Z-a1b2c3} (UTC time of the backup, then the tail of the
 * generation it holds), so names sort by time. A valid id is one file-name component, which is what keeps
 * {@link #archive} inside {@code indices/backups/}.
 */
public record BackupId(String value) implements Comparable<BackupId> {
    static final String SUFFIX = ".tar.gz";
    /** An encrypted backup: the same {@code .tar.gz} inside {@link ArchiveCipher}'s segments. */
    static final String ENCRYPTED_SUFFIX = ".tar.gz.enc";

    public BackupId {
        ConfinedPaths.requireSimpleName(value, "backup id");
    }

    /** A new id for a backup of {@code generationId} taken at {@code at}. */
    public static BackupId next(Instant at, String generationId) {
        return new BackupId("b" + GenerationStore.idTime(at) + "-" + GenerationStore.idTail(generationId));
    }

    /**
     * An id as a user typed it. The archive's file name ({@code ….tar.gz} or {@code ….tar.gz.enc}) is
     * accepted too, since that is what {@code ls indices/backups} shows.
     */
    public static BackupId parse(String text) {
        String v = text == null ? "" : text.strip();
        for (String suffix : new String[] {ENCRYPTED_SUFFIX, SUFFIX}) {
            if (v.endsWith(suffix)) {
                v = v.substring(0, v.length() - suffix.length());
                break;
            }
        }
        try {
            return new BackupId(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backup id '" + text + "' is not valid: an id is a single name such as "
                    + "b20261124T193501Z-a1b2c3 (see 'faiss-rebuild backup list'), with no path separators and no '..'");
        }
    }

    /**
     * The archive of this backup: {@code indices/backups/<id>.tar.gz.enc} if there is one, else
     * {@code <id>.tar.gz} (which may not exist); refused if it is a link that leads outside.
     */
    public Path archive(IndicesLayout layout) {
        Path encrypted = archive(layout, true);
        return Files.exists(encrypted, LinkOption.NOFOLLOW_LINKS) ? encrypted : archive(layout, false);
    }

    Path archive(IndicesLayout layout, boolean encrypted) {
        return ConfinedPaths.resolve(layout.backups(), value + (encrypted ? ENCRYPTED_SUFFIX : SUFFIX));
    }

    /** Whether an archive's file name says it is encrypted. */
    static boolean encrypted(Path archive) {
        return archive.getFileName().toString().endsWith(ENCRYPTED_SUFFIX);
    }

    /** Whether a file in {@code indices/backups/} is named as an archive (a hidden one is a leftover, not a backup). */
    static boolean isArchiveName(String fileName) {
        return !fileName.startsWith(".") && (fileName.endsWith(SUFFIX) || fileName.endsWith(ENCRYPTED_SUFFIX));
    }

    @Override
    public int compareTo(BackupId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
