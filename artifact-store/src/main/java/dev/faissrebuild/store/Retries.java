package dev.faissrebuild.store;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store operation tried up to {@link #ATTEMPTS} times, 1 s then 2 s apart: an object store's network blips
 * must not cost a whole index build. A missing object or a checksum mismatch is an answer, not a blip, and
 * is never retried.
 */
final class Retries {
    private static final Logger LOG = LoggerFactory.getLogger(Retries.class);
    static final int ATTEMPTS = 3;

    @FunctionalInterface
    interface StoreCall<T> {
        T call() throws IOException;
    }

    private Retries() {}

    static <T> T of(StoreCall<T> call) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (NoSuchFileException | ChecksumMismatchException e) {
                throw e;
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) throw e;
                LOG.warn("event=store_retry attempt={} error=\"{}\"", attempt, e.getMessage());
                try {
                    Thread.sleep(1000L << (attempt - 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted between attempts: " + e.getMessage());
                }
            }
        }
    }
}
