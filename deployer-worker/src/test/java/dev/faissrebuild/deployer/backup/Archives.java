package dev.faissrebuild.deployer.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Damages backup archives the way an attacker or a bad disk would. */
public final class Archives {
    private Archives() {}

    /**
     * Changes one byte of {@code fileName}'s content inside the archive and re-compresses it, so gzip's
     * own checks pass and only the sha256 in the backup manifest can notice.
     */
    public static void flipOneByte(Path archive, String fileName, int offsetInFile) throws IOException {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            tar = in.readAllBytes();
        }
        byte[] name = (fileName + "\0").getBytes(StandardCharsets.US_ASCII);
        int data = -1;
        for (int off = 0; off + 512 <= tar.length && data < 0; off += 512) {
            boolean match = true;
            for (int i = 0; i < name.length && match; i++) match = tar[off + i] == name[i];
            if (match) data = off + 512;
        }
        if (data < 0) throw new IllegalStateException(fileName + " not found in " + archive);
        tar[data + offsetInFile] ^= 0x01;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(tar);
        }
    }

    /** Keeps the first {@code length} bytes of the archive. */
    public static void truncate(Path archive, long length) throws IOException {
        byte[] all = Files.readAllBytes(archive);
        byte[] cut = new byte[(int) length];
        System.arraycopy(all, 0, cut, 0, cut.length);
        Files.write(archive, cut);
    }
}
