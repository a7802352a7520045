package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.files.HeldFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One local system per data dir: an OS lock on {@code state/up.lock}, held for the life of {@code up}
 * and released by the kernel when the process dies, however it dies. Unlike a PID file it has no race
 * (two {@code up}s started together: one gets the lock) and no false positive (a dead system's PID
 * reused by another process).
 */
final class StateDirLock implements AutoCloseable {
    /** Lock files this JVM holds: probing them with a second channel would drop the lock (POSIX locks are per process). */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();
    private final HeldFileLock lock;
    private final Path file;

    private StateDirLock(HeldFileLock lock, Path file) {
        this.lock = lock;
        this.file = file;
    }

    static Path file(Path stateDir) {
        return stateDir.resolve("up.lock").toAbsolutePath().normalize();
    }

    /** @throws UserError when another process (or this one) holds it, naming the holder */
    static StateDirLock acquire(Path stateDir, Path dataDir) throws IOException {
        Path f = file(stateDir);
        HeldFileLock lock = HELD_HERE.contains(f) ? null : HeldFileLock.tryTake(f, "faiss-rebuild up for " + dataDir);
        if (lock == null) {
            throw new UserError("faiss-rebuild is already running for " + dataDir + " (" + f + " is locked by " + HeldFileLock.holder(f) + ")");
        }
        HELD_HERE.add(f);
        return new StateDirLock(lock, f);
    }

    /** Whether a live process holds the lock now (the kernel knows; a PID could have been reused). */
    static boolean held(Path stateDir) {
        Path f = file(stateDir);
        if (HELD_HERE.contains(f)) return true;
        if (!Files.isRegularFile(f)) return false;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) return true;
            probe.release();
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + f, e);
        }
    }

    @Override
    public void close() {
        HELD_HERE.remove(file);
        lock.close();
    }
}
