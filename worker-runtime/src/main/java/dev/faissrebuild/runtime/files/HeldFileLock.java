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
import java.time.Instant;

/**
 * An exclusive OS lock on a file, which the kernel releases when the holding process dies, and which
 * names its holder in the file so that a refused process can say who holds it. Callers keep one channel
 * per file per JVM (closing a second one may drop the first's lock: POSIX locks belong to the process).
 */
public record HeldFileLock(FileChannel channel, FileLock lock) implements AutoCloseable {

    /** Takes the lock if it is free, writing {@code holder}, the pid and the time into the file; null when it is held. */
    public static HeldFileLock tryTake(Path file, String holder) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            return null;
        }
        try {
            String text = holder + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            ch.close(); // releases the lock too
            throw e;
        }
        return new HeldFileLock(ch, l);
    }

    /** Who holds the lock of {@code file}, as its holder described itself. */
    public static String holder(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? "unknown holder" : text;
        } catch (IOException e) {
            return "unknown holder";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
