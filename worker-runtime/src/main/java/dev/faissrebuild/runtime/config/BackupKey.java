package dev.faissrebuild.runtime.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The 256-bit master key of encrypted backups, read from {@code backup.encryption_key_file}: exactly 32
 * raw bytes, or 64 hex digits, or the base64 of 32 bytes (whitespace around the text is ignored). The
 * file's mode is the key's protection, so a file others may read or write is refused. Nothing here
 * ever prints key material: messages name the file, its size and what was expected.
 *
 * @param file where the key was read (absolute), for messages such as "a different key than the one in ..."
 */
public record BackupKey(Path file, byte[] bytes) {
    public static final String FIELD = "backup.encryption_key_file";
    static final int BYTES = 32;
    private static final int MAX_FILE_BYTES = 4096;
    private static final String EXPECTED = "a 256-bit key: exactly 32 random bytes, 64 hex digits or the base64 of 32 bytes "
            + "(make one with: head -c 32 /dev/urandom > FILE && chmod 600 FILE)";

    public BackupKey {
        if (bytes.length != BYTES) throw new IllegalArgumentException("a backup key is " + BYTES + " bytes");
        bytes = bytes.clone();
    }

    /** The configured key, if {@code backup.encryption_key_file} is set; one that is unusable is an error naming the field and the file. */
    public static Optional<BackupKey> of(FaissRebuildConfig c) {
        String name = c.backup().encryptionKeyFile();
        if (name.isBlank()) return Optional.empty();
        return Optional.of(read(c.paths().data().resolve(name).normalize(), name));
    }

    /** The key in {@code file}, checked as the configuration's is. */
    public static BackupKey fromFile(Path file) {
        return read(file.toAbsolutePath().normalize(), file.toString());
    }

    /** The key bytes (a copy: the record keeps its own). */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    private static BackupKey read(Path file, String configured) {
        String field = FIELD + " = \"" + configured + "\": ";
        byte[] content;
        try {
            refuseOpenToOthers(file, field);
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) throw new IllegalArgumentException(field + file + " is " + size + " bytes; expected " + EXPECTED);
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
            throw new IllegalArgumentException(field + "cannot read " + file + " (" + why + "); expected a file holding " + EXPECTED);
        }
        return new BackupKey(file, decode(content).orElseThrow(() -> new IllegalArgumentException(
                field + file + " holds " + content.length + " bytes that are not " + EXPECTED)));
    }

    /**
     * Exactly 32 bytes are taken raw unless they are all printable text: random bytes are that with a
     * probability of 1e-14, a 32-character passphrase always, and a passphrase is not a key.
     */
    private static Optional<byte[]> decode(byte[] content) {
        if (content.length == BYTES && !printable(content)) return Optional.of(content);
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        if (text.length() == 2 * BYTES && text.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            return Optional.of(HexFormat.of().parseHex(text));
        }
        try {
            byte[] b = Base64.getDecoder().decode(text);
            return b.length == BYTES ? Optional.of(b) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean printable(byte[] b) {
        for (byte x : b) if (x < 0x20 || x > 0x7e) return false;
        return true;
    }

    /** Group access is allowed (a service group may need it); others' is not. Not checked where there are no POSIX modes. */
    private static void refuseOpenToOthers(Path file, String field) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) return;
        Set<PosixFilePermission> mode = view.readAttributes().permissions();
        if (mode.contains(PosixFilePermission.OTHERS_READ) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalArgumentException(field + file + " may be " + (mode.contains(PosixFilePermission.OTHERS_READ) ? "read" : "written")
                    + " by any user of this host; expected a file only its owner (and group) can access: chmod 600 " + file);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackupKey k && file.equals(k.file) && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return file.hashCode();
    }

    @Override
    public String toString() {
        return "BackupKey[from " + file + "]"; // never the bytes
    }
}
