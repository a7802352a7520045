package dev.faissrebuild.deployer.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.runtime.config.BackupKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmented AES-256-GCM stream alone, at the lengths where segment bookkeeping goes wrong. */
class ArchiveCipherTest {
    static final int SEG = ArchiveCipher.MIN_SEGMENT_BYTES;
    static final int HEADER = 60;
    static final String WHERE = "backup archive b1.tar.gz.enc";
    @TempDir Path dir;
    BackupKey key;

    @BeforeEach
    void setUp() throws IOException {
        key = keyFile(dir, "backup.key");
    }

    static BackupKey keyFile(Path dir, String name) throws IOException {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        b[0] = 0; // never all printable
        Path f = Files.write(dir.resolve(name), b);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return BackupKey.fromFile(f);
    }

    byte[] seal(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = ArchiveCipher.encrypting(out, key, SEG)) {
            enc.write(plain, 0, Math.min(7, plain.length)); // writes of every size, across segment ends
            enc.write(plain, Math.min(7, plain.length), plain.length - Math.min(7, plain.length));
        }
        return out.toByteArray();
    }

    byte[] open(byte[] sealed, BackupKey with) throws IOException {
        try (InputStream in = ArchiveCipher.decrypting(new ByteArrayInputStream(sealed), with, WHERE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyLengthRoundTripsAndTheLastSegmentMayBeFullOrEmpty() throws IOException {
        for (int n : new int[] {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 5}) {
            byte[] plain = new byte[n];
            new SecureRandom().nextBytes(plain);
            byte[] sealed = seal(plain);
            int segments = Math.max(1, (n + SEG - 1) / SEG); // a full last segment is the flagged one; an empty archive has one empty segment
            assertThat(sealed.length).as("length %d", n).isEqualTo(HEADER + n + 16 * segments);
            assertThat(Arrays.copyOf(sealed, 8)).isEqualTo("FRBKENC1".getBytes());
            assertThat(open(sealed, key)).as("length %d", n).isEqualTo(plain);
        }
    }

    @Test
    void twoArchivesOfTheSameBytesShareNoCiphertext() throws IOException {
        byte[] plain = new byte[2 * SEG];
        byte[] a = seal(plain);
        byte[] b = seal(plain);
        assertThat(Arrays.copyOfRange(a, HEADER, a.length)).isNotEqualTo(Arrays.copyOfRange(b, HEADER, b.length)); // a salt, a key each
    }

    @Test
    void aWrongKeyIsToldApartFromDamage() throws IOException {
        byte[] sealed = seal(new byte[100]);
        BackupKey other = keyFile(dir, "other.key");
        assertThatThrownBy(() -> open(sealed, other)).isInstanceOf(InvalidBackupException.class)
                .hasMessage(WHERE + " was encrypted with a different key than the one in " + other.file() + " (key check mismatch)");
    }

    @Test
    void anyChangedByteFailsAuthenticationNamingTheSegment() throws IOException {
        byte[] sealed = seal(new byte[3 * SEG + 5]);
        int seg = SEG + 16;
        // in the salt (every segment's key), in segment 0, in segment 2's tag, in the last byte
        int[][] cases = {{8 + 4 + 3, 0}, {HEADER + 10, 0}, {HEADER + 3 * seg - 1, 2}, {sealed.length - 1, 3}};
        for (int[] c : cases) {
            byte[] bad = sealed.clone();
            bad[c[0]] ^= 0x40;
            assertThatThrownBy(() -> open(bad, key)).as("byte %d", c[0]).isInstanceOf(InvalidBackupException.class)
                    .hasMessage(WHERE + " failed authentication at segment " + c[1] + ": it was altered or damaged");
        }
    }

    @Test
    void aCutAnywhereIsRefusedAndACutAtASegmentEndSaysTruncated() throws IOException {
        byte[] sealed = seal(new byte[3 * SEG + 5]);
        int seg = SEG + 16;
        for (int k = 1; k <= 3; k++) {
            byte[] cut = Arrays.copyOf(sealed, HEADER + k * seg);
            int last = k - 1;
            assertThatThrownBy(() -> open(cut, key)).isInstanceOf(InvalidBackupException.class)
                    .hasMessage(WHERE + " ends after segment " + last + ", which is not its last: it was truncated");
        }
        for (int keep : new int[] {HEADER, HEADER + 5, HEADER + seg + 100, sealed.length - 1}) {
            byte[] cut = Arrays.copyOf(sealed, keep);
            assertThatThrownBy(() -> open(cut, key)).as("cut at %d", keep).isInstanceOf(InvalidBackupException.class)
                    .hasMessageContaining("failed authentication at segment");
        }
        assertThatThrownBy(() -> open(Arrays.copyOf(sealed, 30), key)).isInstanceOf(InvalidBackupException.class)
                .hasMessage(WHERE + " is truncated: it ends inside its encryption header");
        assertThatThrownBy(() -> open("not encrypted at all".getBytes(), key)).isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("is not an encrypted faiss-rebuild backup (it does not start with FRBKENC1)");
    }
}
