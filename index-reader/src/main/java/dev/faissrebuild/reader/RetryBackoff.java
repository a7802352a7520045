package dev.faissrebuild.reader;

import java.time.Duration;

/**
 * Spaces out polled retries of a generation that failed to open: re-reading every index of a broken
 * generation on every poll would burn I/O and flood the log. Doubles from the poll interval up to a
 * cap; an event or an explicit refresh retries at once regardless. Used under the reader's swap lock.
 */
final class RetryBackoff {
    private final Duration base;
    private final Duration max;
    private String failedId;
    private int failures;
    private long retryAtNanos;

    RetryBackoff(Duration base, Duration max) {
        this.base = base.isZero() ? Duration.ofMillis(100) : base;
        this.max = max;
    }

    boolean due(String generationId) {
        return !generationId.equals(failedId) || System.nanoTime() >= retryAtNanos;
    }

    /** Records a failure; returns the delay before the next polled attempt. */
    Duration failed(String generationId) {
        failures = generationId.equals(failedId) ? failures + 1 : 1;
        failedId = generationId;
        long millis = Math.min(max.toMillis(), base.toMillis() << Math.min(failures, 20));
        retryAtNanos = System.nanoTime() + millis * 1_000_000;
        return Duration.ofMillis(millis);
    }

    void succeeded() {
        failedId = null;
        failures = 0;
    }
}
