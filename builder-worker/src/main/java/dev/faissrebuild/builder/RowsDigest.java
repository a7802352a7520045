package dev.faissrebuild.builder;

import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.vectors.NpyMatrix;
import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embeddings' checksums, from one read of the file: sha256 of its vector data, the {@code .npy}
 * header left out (it holds the row count, so it changes when rows are appended), of all rows and of
 * the first {@code prefixRows}; and, when asked, sha256 of the whole file (the identity every event
 * and manifest carries), on a second thread over the same mapped pages, so the two digests cost the
 * wall time of one. A grown file whose first N rows hash as the live index's rows did is an append.
 * {@link #start} takes them in the background, so a build that does not need the prefix's digest to
 * decide adds and writes meanwhile.
 *
 * @param prefix the digest of the first prefixRows rows; null when the file has fewer (or prefixRows is 0)
 * @param file the whole file's digest; null when the caller had it already
 */
record RowsDigest(String prefix, String all, String file) {
    private static final long CHUNK = 1 << 22;

    /** The digests being taken on other threads; {@link #join} waits for them, {@link #cancel} stops the rows' pass. */
    static final class Pending {
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final CompletableFuture<RowsDigest> digests;

        private Pending(NpyMatrix vectors, long prefixRows, boolean wholeFile) {
            digests = CompletableFuture.supplyAsync(() -> of(vectors, prefixRows, wholeFile, cancelled));
        }

        RowsDigest join() {
            return RowsDigest.join(digests);
        }

        /** Stops the rows' pass and waits for both passes to end (before the mapping they read is closed). */
        void cancel() {
            cancelled.set(true);
            try {
                digests.join();
            } catch (RuntimeException e) {
                // cancelled or failed: nobody wants the figures any more
            }
        }
    }

    static Pending start(NpyMatrix vectors, long prefixRows, boolean wholeFile) {
        return new Pending(vectors, prefixRows, wholeFile);
    }

    static RowsDigest of(NpyMatrix vectors, long prefixRows, boolean wholeFile) {
        return of(vectors, prefixRows, wholeFile, new AtomicBoolean());
    }

    private static RowsDigest of(NpyMatrix vectors, long prefixRows, boolean wholeFile, AtomicBoolean cancelled) {
        CompletableFuture<String> whole = wholeFile ? CompletableFuture.supplyAsync(() -> Sha256.of(vectors.file())) : null;
        MessageDigest digest = Sha256.digest();
        MemorySegment data = vectors.segment();
        long prefixBytes = prefixRows > 0 && prefixRows <= vectors.rows() ? prefixRows * vectors.dim() * Float.BYTES : -1;
        String prefix = null;
        long at = 0;
        while (at < data.byteSize()) {
            if (cancelled.get()) throw new IllegalStateException("the digest of " + vectors.file() + " was cancelled");
            long end = Math.min(data.byteSize(), at + CHUNK);
            if (at < prefixBytes && prefixBytes < end) end = prefixBytes; // stop at the prefix's end to take its digest there
            digest.update(data.asSlice(at, end - at).asByteBuffer());
            at = end;
            if (at == prefixBytes) prefix = Sha256.hex(copy(digest));
        }
        return new RowsDigest(prefix, Sha256.hex(digest), whole == null ? null : join(whole));
    }

    private static <T> T join(CompletableFuture<T> whole) {
        try {
            return whole.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static MessageDigest copy(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests are cloneable in every JDK", e);
        }
    }
}
