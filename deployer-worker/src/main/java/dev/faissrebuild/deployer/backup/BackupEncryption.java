package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.runtime.config.BackupKey;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a store writes archives and what it can read: without a key, plain {@code .tar.gz} only; with one,
 * new archives are encrypted ({@code .tar.gz.enc}, {@link ArchiveCipher}) and plain ones made before the
 * key was configured are still read. Which kind an archive is, its file name says.
 *
 * @param segmentBytes plaintext bytes per segment of new encrypted archives (smaller in tests, to have many)
 */
record BackupEncryption(Optional<BackupKey> key, int segmentBytes) {
    static final BackupEncryption NONE = new BackupEncryption(Optional.empty(), ArchiveCipher.SEGMENT_BYTES);

    BackupEncryption {
        if (segmentBytes < ArchiveCipher.MIN_SEGMENT_BYTES) throw new IllegalArgumentException("segments of " + segmentBytes + " bytes are too small");
    }

    static BackupEncryption of(Optional<BackupKey> key) {
        return new BackupEncryption(key, ArchiveCipher.SEGMENT_BYTES);
    }

    boolean encrypts() {
        return key.isPresent();
    }

    /** {@code file}, encrypting if there is a key; closed if the header cannot be written. */
    OutputStream wrap(OutputStream file) throws IOException {
        if (key.isEmpty()) return file;
        try {
            return ArchiveCipher.encrypting(file, key.get(), segmentBytes);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The {@code .tar.gz} bytes of {@code archive}: the file itself, or its decryption (the header already checked). */
    InputStream open(Path archive, int buffer) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(archive), buffer);
        if (!BackupId.encrypted(archive)) return raw;
        try {
            return ArchiveCipher.decrypting(raw, requireKey(archive), where(archive));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Decrypts every segment of an encrypted archive and throws the plaintext away: a wrong key, a changed
     * byte anywhere or a cut are found before anything is unpacked. Plain archives have no such pass;
     * their files are proven against the manifest as they are unpacked.
     */
    void authenticate(Path archive) throws IOException {
        if (!BackupId.encrypted(archive)) return;
        try (InputStream in = open(archive, 1 << 16)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private BackupKey requireKey(Path archive) throws InvalidBackupException {
        return key.orElseThrow(() -> new InvalidBackupException(where(archive) + " is encrypted and no key is configured: set "
                + BackupKey.FIELD + " to the file of the key it was made with"));
    }

    static String where(Path archive) {
        return "backup archive " + archive.getFileName();
    }
}
