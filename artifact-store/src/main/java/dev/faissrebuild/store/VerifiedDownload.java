package dev.faissrebuild.store;

import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/** Bytes from a store to a local file: hashed as they stream, fsynced, renamed into place only when the sha256 matches. */
final class VerifiedDownload {
    private VerifiedDownload() {}

    static ArtifactStore.StoredObject write(InputStream in, Path dest, String where, String key, String expectedSha256) throws IOException {
        Path parent = dest.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + dest.getFileName() + ".", ".part");
        try {
            MessageDigest digest = Sha256.digest();
            long size;
            try (InputStream src = new DigestInputStream(in, digest); OutputStream out = Files.newOutputStream(tmp)) {
                size = src.transferTo(out);
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(expectedSha256)) throw new ChecksumMismatchException(where, key, expectedSha256, actual);
            DurableFiles.fsync(tmp);
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DurableFiles.fsync(parent);
            return new ArtifactStore.StoredObject(key, size, actual);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
