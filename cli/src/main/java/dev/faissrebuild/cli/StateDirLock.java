package dev.faissrebuild.cli;

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

/**
 * One local system per data dir: an OS lock on {@code state/up.lock}, held for the life of {@code up}
 * and released by the kernel when the process dies, however it dies. Unlike a PID file it has no race
 * (two {@code up}s started together: one gets the lock) and no false positive (a dead system's PID
 * reused by another process).
 */
final class StateDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Path file(Path stateDir) {
        return stateDir.resolve("up.lock");
    }

    /** @throws UserError when another process holds it, naming that process */
    static StateDirLock acquire(Path stateDir, Path dataDir) throws IOException {
        Files.createDirectories(stateDir);
        FileChannel ch = FileChannel.open(file(stateDir), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM already
        }
        if (lock == null) {
            String holder = holder(ch);
            ch.close();
            throw new UserError("faiss-rebuild is already running for " + dataDir + " (" + file(stateDir) + " is locked by " + holder + ")");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return new StateDirLock(ch, lock);
    }

    /** Whether a live process holds the lock now (the kernel knows; a PID could have been reused). */
    static boolean held(Path stateDir) {
        Path f = file(stateDir);
        if (!Files.isRegularFile(f)) return false;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) return true;
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM holds it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + f, e);
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "another process" : s;
        } catch (IOException e) {
            return "another process";
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
