package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.ManifestJson;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code BACKUP_MANIFEST.json}, the first entry of every backup archive: what the archive holds and the
 * sha256 of each file, so a restore can prove every byte before it changes anything. The generation's
 * own {@code MANIFEST.json} is one of the files.
 */
public record BackupManifest(int formatVersion, String backupId, Instant timestamp, String sourceGenerationId,
                             List<FileEntry> files, long totalSizeBytes, double totalSizeMb) {
    public static final String FILE_NAME = "BACKUP_MANIFEST.json";
    static final int FORMAT_VERSION = 1;

    public record FileEntry(String name, long sizeBytes, String sha256) {}

    static BackupManifest of(BackupId id, Instant at, String generationId, List<FileEntry> files) {
        long total = files.stream().mapToLong(FileEntry::sizeBytes).sum();
        return new BackupManifest(FORMAT_VERSION, id.value(), at, generationId, List.copyOf(files), total,
                Math.round(total / 1e6 * 1000) / 1000.0);
    }

    public Optional<FileEntry> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    byte[] toJson() {
        try {
            return ManifestJson.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and checks a manifest read from an archive; anything unexpected is refused. */
    static BackupManifest parse(byte[] json, String where) throws InvalidBackupException {
        BackupManifest m;
        try {
            m = ManifestJson.MAPPER.readValue(json, BackupManifest.class);
        } catch (IOException e) {
            throw new InvalidBackupException(where + ": " + FILE_NAME + " is not readable: " + e.getMessage());
        }
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new InvalidBackupException(where + ": backup format " + m.formatVersion() + " is not supported (this version reads " + FORMAT_VERSION + ")");
        }
        if (m.files() == null || m.files().isEmpty()) throw new InvalidBackupException(where + ": " + FILE_NAME + " lists no files");
        Set<String> seen = new HashSet<>();
        for (FileEntry f : m.files()) {
            try {
                ConfinedPaths.requireSimpleName(f.name(), "file name");
            } catch (IllegalArgumentException e) {
                throw new InvalidBackupException(where + ": " + e.getMessage());
            }
            if (!seen.add(f.name())) throw new InvalidBackupException(where + ": " + f.name() + " is listed twice");
            if (f.sizeBytes() < 0 || f.sha256() == null || !f.sha256().matches("[0-9a-f]{64}")) {
                throw new InvalidBackupException(where + ": the entry of " + f.name() + " has no valid size and sha256");
            }
        }
        return m;
    }
}
