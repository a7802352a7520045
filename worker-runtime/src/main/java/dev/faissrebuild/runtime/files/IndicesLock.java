package dev.faissrebuild.runtime.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
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
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private IndicesLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
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
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!local.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) throw busy(key, wait);
            Files.createDirectories(key.getParent());
            FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l != null) {
                    IndicesLock taken = new IndicesLock(local, ch, l);
                    taken.describe(holder);
                    return taken;
                }
                if (System.nanoTime() >= deadline) {
                    ch.close();
                    throw busy(key, wait);
                }
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

    private static BusyException busy(Path key, Duration wait) {
        String holder;
        try {
            holder = Files.readString(key).strip();
        } catch (IOException e) {
            holder = "unknown";
        }
        return new BusyException("indices are locked by another operation (" + (holder.isEmpty() ? "unknown holder" : holder)
                + "); waited " + wait.toSeconds() + " s for " + key + ". Try again when it has finished.");
    }

    private void describe(String holder) throws IOException {
        String text = holder + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            local.unlock();
        }
    }

    public static Duration defaultWait() {
        return Duration.ofSeconds(60);
    }
}
