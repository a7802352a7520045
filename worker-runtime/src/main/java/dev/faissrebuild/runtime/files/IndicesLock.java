package dev.faissrebuild.runtime.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive lock every mutation of {@code indices/} holds (deploy, rollback, restore, cleanup),
 * across processes: an OS file lock on {@code indices/.lock}, which the kernel releases when its
 * holder dies (so a crash never leaves it stuck). Threads of one JVM queue on an in-process lock
 * first, since the OS lock belongs to the process. The file names the holder, for a clear refusal.
 */
public final class IndicesLock implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IndicesLock.class);
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private final ReentrantLock local;
    private final HeldFileLock held;

    private IndicesLock(ReentrantLock local, HeldFileLock held) {
        this.local = local;
        this.held = held;
    }

    /** Thrown when the lock stays busy for the whole wait. */
    public static final class BusyException extends RuntimeException {
        BusyException(String message) {
            super(message);
        }
    }

    /**
     * Takes the lock, waiting up to {@code wait} (zero: try once).
     *
     * @param holder who takes it and for what, e.g. {@code "deployer: deploy rebuild r-42"}
     */
    public static IndicesLock acquire(Path lockFile, String holder, Duration wait) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        long started = System.nanoTime();
        long deadline = started + wait.toNanos();
        boolean waiting = false;
        try {
            if (!local.tryLock()) {
                waiting = waitStarts(key, holder, wait);
                if (!local.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) throw busy(key, wait);
            }
            while (true) {
                HeldFileLock held = HeldFileLock.tryTake(key, holder);
                if (held != null) {
                    if (waiting) LOG.info("event=lock_acquired lock={} for=\"{}\" waited_ms={}", key, holder, (System.nanoTime() - started) / 1_000_000);
                    return new IndicesLock(local, held);
                }
                if (System.nanoTime() >= deadline) throw busy(key, wait);
                if (!waiting) waiting = waitStarts(key, holder, wait);
                Thread.sleep(50);
            }
        } catch (IOException e) {
            if (local.isHeldByCurrentThread()) local.unlock();
            throw new UncheckedIOException("cannot lock " + key, e);
        } catch (InterruptedException e) {
            if (local.isHeldByCurrentThread()) local.unlock();
            Thread.currentThread().interrupt();
            throw new BusyException("interrupted while waiting for " + key);
        } catch (BusyException e) {
            if (local.isHeldByCurrentThread()) local.unlock();
            throw e;
        }
    }

    /** A wait is said when it starts (who holds the lock, how long we will wait), not only when it ends. */
    private static boolean waitStarts(Path key, String holder, Duration wait) {
        if (wait.isZero()) return false;
        LOG.warn("event=lock_wait_started lock={} for=\"{}\" held_by=\"{}\" max_wait_s={}", key, holder, HeldFileLock.holder(key), wait.toSeconds());
        return true;
    }

    private static BusyException busy(Path key, Duration wait) {
        return new BusyException("indices are locked by another operation (" + HeldFileLock.holder(key)
                + "); waited " + wait.toSeconds() + " s for " + key + ". Try again when it has finished.");
    }

    @Override
    public void close() {
        try {
            held.close();
        } finally {
            local.unlock();
        }
    }

    public static Duration defaultWait() {
        return Duration.ofSeconds(60);
    }
}
