package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.runtime.config.BackupKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encryption of a {@code .tar.gz.enc} backup: the {@code .tar.gz} stream cut into segments, each
 * sealed with AES-256-GCM, as Tink's streaming AEAD and age's STREAM do (one GCM over the whole archive
 * would make Java buffer all of it to decrypt, and release nothing before the end).
 *
 * <pre>
 * header  = "FRBKENC1" | segment size (4 bytes, big-endian) | salt (32 random bytes) | key check (16 bytes)
 * segment = AES-256-GCM(archive key, nonce, AAD = header, up to segment-size bytes) (ciphertext | 16-byte tag)
 * nonce   = segment number (8 bytes, big-endian) | 0 0 0 | 1 if it is the last segment, else 0
 * </pre>
 *
 * The archive key is HMAC-SHA256(master key, "faiss-rebuild backup archive key" | salt): a fresh key for
 * every archive, so counter nonces never repeat under one key. The key check is HMAC-SHA256(master key,
 * "faiss-rebuild backup key check") cut to 16 bytes: it tells a wrong key from a damaged archive without
 * revealing the key. Every segment is authenticated before its bytes are released; the flagged last
 * segment makes a cut at a segment boundary detectable, and the header in every tag makes a changed
 * header (a different segment size, salt) fail like any other change.
 */
final class ArchiveCipher {
    static final int SEGMENT_BYTES = 1 << 20;
    static final int MIN_SEGMENT_BYTES = 1 << 12;
    private static final int MAX_SEGMENT_BYTES = 1 << 24;
    private static final byte[] MAGIC = "FRBKENC1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARCHIVE_KEY_LABEL = "faiss-rebuild backup archive key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_CHECK_LABEL = "faiss-rebuild backup key check".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT = 32;
    private static final int CHECK = 16;
    private static final int TAG = 16;
    private static final int HEADER = MAGIC.length + 4 + SALT + CHECK;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ArchiveCipher() {}

    /** A stream that encrypts what is written to it into {@code out}; closing it writes the last segment and closes {@code out}. */
    static OutputStream encrypting(OutputStream out, BackupKey key, int segmentBytes) throws IOException {
        byte[] salt = new byte[SALT];
        RANDOM.nextBytes(salt);
        byte[] header = ByteBuffer.allocate(HEADER).put(MAGIC).putInt(segmentBytes).put(salt).put(keyCheck(key)).array();
        out.write(header);
        return new Sealing(out, new Segments(archiveKey(key, salt), header), segmentBytes);
    }

    /**
     * A stream of the plaintext of an encrypted archive read from {@code in}. A wrong key is refused at
     * once; an altered, damaged or truncated archive fails in the read that reaches the bad segment.
     *
     * @param where "backup archive NAME", for messages
     */
    static InputStream decrypting(InputStream in, BackupKey key, String where) throws IOException {
        byte[] header = in.readNBytes(HEADER);
        if (header.length < MAGIC.length || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new InvalidBackupException(where + " is not an encrypted faiss-rebuild backup (it does not start with "
                    + new String(MAGIC, StandardCharsets.US_ASCII) + ")");
        }
        if (header.length < HEADER) throw new InvalidBackupException(where + " is truncated: it ends inside its encryption header");
        ByteBuffer h = ByteBuffer.wrap(header, MAGIC.length, HEADER - MAGIC.length);
        int segmentBytes = h.getInt();
        byte[] salt = new byte[SALT];
        byte[] check = new byte[CHECK];
        h.get(salt).get(check);
        if (!MessageDigest.isEqual(check, keyCheck(key))) {
            throw new InvalidBackupException(where + " was encrypted with a different key than the one in " + key.file() + " (key check mismatch)");
        }
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new InvalidBackupException(where + " failed authentication at segment 0: it was altered or damaged (its header says segments of "
                    + segmentBytes + " bytes)");
        }
        return new Opening(in, new Segments(archiveKey(key, salt), header), segmentBytes, where);
    }

    private static byte[] keyCheck(BackupKey key) {
        return Arrays.copyOf(hmac(key.bytes(), KEY_CHECK_LABEL), CHECK);
    }

    private static SecretKeySpec archiveKey(BackupKey key, byte[] salt) {
        byte[] input = Arrays.copyOf(ARCHIVE_KEY_LABEL, ARCHIVE_KEY_LABEL.length + salt.length);
        System.arraycopy(salt, 0, input, ARCHIVE_KEY_LABEL.length, salt.length);
        return new SecretKeySpec(hmac(key.bytes(), input), "AES");
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** AES-256-GCM of one archive's segments, in order. */
    private static final class Segments {
        private final SecretKeySpec key;
        private final byte[] header;
        private final Cipher cipher;
        private long next;

        Segments(SecretKeySpec key, byte[] header) {
            this.key = key;
            this.header = header;
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/GCM is part of every JDK", e);
            }
        }

        long number() {
            return next;
        }

        /** Seals the next segment into {@code out}; returns the ciphertext length. */
        int seal(byte[] plain, int length, boolean last, byte[] out) {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, nonce(next++, last));
                cipher.updateAAD(header);
                return cipher.doFinal(plain, 0, length, out, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed to encrypt", e);
            }
        }

        /** Opens the next segment into {@code out}; returns the plaintext length; throws AEADBadTagException when it is not authentic. */
        int open(byte[] sealed, int length, boolean last, byte[] out) throws AEADBadTagException {
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, nonce(next, last));
                cipher.updateAAD(header);
                int n = cipher.doFinal(sealed, 0, length, out, 0);
                next++;
                return n;
            } catch (AEADBadTagException e) {
                throw e;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed to decrypt", e);
            }
        }

        private static GCMParameterSpec nonce(long segment, boolean last) {
            byte[] iv = ByteBuffer.allocate(12).putLong(segment).put(new byte[3]).put((byte) (last ? 1 : 0)).array();
            return new GCMParameterSpec(TAG * 8, iv);
        }
    }

    /**
     * Writes segments of exactly {@code segmentBytes}, holding a full one back until more bytes come: only
     * at close is it known which segment is the last (it may be full, or empty).
     */
    private static final class Sealing extends OutputStream {
        private final OutputStream out;
        private final Segments segments;
        private final byte[] plain;
        private final byte[] sealed;
        private int filled;
        private boolean closed;

        Sealing(OutputStream out, Segments segments, int segmentBytes) {
            this.out = out;
            this.segments = segments;
            this.plain = new byte[segmentBytes];
            this.sealed = new byte[segmentBytes + TAG];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("the encrypted archive is closed");
            while (len > 0) {
                if (filled == plain.length) emit(false);
                int n = Math.min(len, plain.length - filled);
                System.arraycopy(b, off, plain, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            try (out) {
                emit(true);
            }
        }

        private void emit(boolean last) throws IOException {
            out.write(sealed, 0, segments.seal(plain, filled, last, sealed));
            filled = 0;
        }
    }

    /**
     * Reads one segment ahead by a byte: a segment followed by the end of the file is the last, and must
     * carry the last flag; a cut just after a full segment therefore fails like any other damage.
     */
    private static final class Opening extends InputStream {
        private final InputStream in;
        private final Segments segments;
        private final String where;
        private final byte[] sealed;
        private final byte[] plain;
        private int carried; // bytes of the next segment already read (0 or 1)
        private int pos;
        private int limit;
        private boolean done;

        Opening(InputStream in, Segments segments, int segmentBytes, String where) {
            this.in = in;
            this.segments = segments;
            this.where = where;
            this.sealed = new byte[segmentBytes + TAG + 1];
            this.plain = new byte[segmentBytes];
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (pos == limit) {
                if (done) return -1;
                openNext();
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        private void openNext() throws IOException {
            int full = sealed.length - 1;
            int have = carried + in.readNBytes(sealed, carried, sealed.length - carried);
            boolean last = have <= full;
            int length = last ? have : full;
            long number = segments.number();
            try {
                limit = segments.open(sealed, length, last, plain);
            } catch (AEADBadTagException e) {
                throw new InvalidBackupException(failure(number, length, last), e);
            }
            pos = 0;
            done = last;
            carried = last ? 0 : 1;
            if (!last) sealed[0] = sealed[full];
        }

        /** A segment that opens as a middle one where the file ends was followed by others: the archive was cut. */
        private String failure(long number, int length, boolean last) {
            if (last && length == sealed.length - 1) {
                try {
                    segments.open(sealed, length, false, new byte[plain.length]);
                    return where + " ends after segment " + number + ", which is not its last: it was truncated";
                } catch (AEADBadTagException notThatEither) {
                    // damaged, as said below
                }
            }
            return where + " failed authentication at segment " + number + ": it was altered or damaged";
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
