package dev.faissrebuild.runtime.instance;

import dev.faissrebuild.runtime.config.ConfigException;
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
 * One process per worker and instance id on a data dir: an OS file lock on
 * {@code <state_dir>/instances/<worker>.<id>.lock}, released by the kernel when the holder dies, so a
 * restart after kill -9 takes it at once. Without it, a second process with the same id would join the
 * group under the same {@code group.instance.id} and silently fence the first; with it, the second is
 * refused with a message that says how to run both.
 */
public final class InstanceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another process (or this one) already runs this worker under this instance id. */
    public static final class InUseException extends ConfigException {
        InUseException(String message) {
            super(message);
        }
    }

    public static InstanceLock acquire(Path stateDir, String worker, InstanceId id) {
        Path file = stateDir.resolve("instances").resolve(worker + "." + id.value() + ".lock");
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l = tryLock(ch);
            if (l == null) {
                ch.close();
                throw inUse(file, worker, id);
            }
            String holder = worker + " pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            return new InstanceLock(ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this JVM
        }
    }

    private static InUseException inUse(Path file, String worker, InstanceId id) {
        String holder;
        try {
            holder = Files.readString(file).strip();
        } catch (IOException e) {
            holder = "another process";
        }
        return new InUseException("instance id " + id.value() + " (from " + id.source() + ") is in use by another " + worker + " on this data dir ("
                + holder + "; " + file + "); give each instance on this host its own id: --instance-id NAME or " + InstanceId.ENV + "=NAME");
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
