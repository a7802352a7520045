package dev.faissrebuild.builder;

import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.vectors.NpyMatrix;
import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;

/**
 * sha256 of an embeddings file's vector data, the {@code .npy} header left out (it holds the row count,
 * so it changes when rows are appended): of all rows, and of the first {@code prefixRows} in the same
 * pass. A grown file whose first N rows hash as the live index's rows did is an append.
 *
 * @param prefix the digest of the first prefixRows rows; null when the file has fewer (or prefixRows is 0)
 */
record RowsDigest(String prefix, String all) {
    private static final long CHUNK = 1 << 22;

    static RowsDigest of(NpyMatrix vectors, long prefixRows) {
        MessageDigest digest = Sha256.digest();
        MemorySegment data = vectors.segment();
        long prefixBytes = prefixRows > 0 && prefixRows <= vectors.rows() ? prefixRows * vectors.dim() * Float.BYTES : -1;
        String prefix = null;
        long at = 0;
        while (at < data.byteSize()) {
            long end = Math.min(data.byteSize(), at + CHUNK);
            if (at < prefixBytes && prefixBytes < end) end = prefixBytes; // stop at the prefix's end to take its digest there
            digest.update(data.asSlice(at, end - at).asByteBuffer());
            at = end;
            if (at == prefixBytes) prefix = Sha256.hex(copy(digest));
        }
        return new RowsDigest(prefix, Sha256.hex(digest));
    }

    private static MessageDigest copy(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests are cloneable in every JDK", e);
        }
    }
}
