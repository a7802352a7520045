package dev.faissrebuild.runtime.instance;

import dev.faissrebuild.runtime.config.ConfigException;
import dev.faissrebuild.runtime.files.HeldFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process per worker and instance id on a data dir: an OS file lock on
 * {@code <state_dir>/instances/<worker>.<id>.lock}, released by the kernel when the holder dies, so a
 * restart after kill -9 takes it at once. Without it, a second process with the same id would join the
 * group under the same {@code group.instance.id} and silently fence the first; with it, the second is
 * refused with a message that says how to run both.
 */
public final class InstanceLock implements AutoCloseable {
    /** Files this JVM holds: a second channel on a held file is never opened (closing it could drop the first's lock). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private final Path file;
    private final HeldFileLock held;

    private InstanceLock(Path file, HeldFileLock held) {
        this.file = file;
        this.held = held;
    }

    /** Another process (or this one) already runs this worker under this instance id. */
    public static final class InUseException extends ConfigException {
        InUseException(String message) {
            super(message);
        }
    }

    public static InstanceLock acquire(Path stateDir, String worker, InstanceId id) {
        Path file = stateDir.resolve("instances").resolve(worker + "." + id.value() + ".lock").toAbsolutePath().normalize();
        if (!HELD.add(file)) throw inUse(file, worker, id);
        HeldFileLock held;
        try {
            held = HeldFileLock.tryTake(file, worker);
        } catch (IOException e) {
            HELD.remove(file);
            throw new UncheckedIOException("cannot lock " + file, e);
        }
        if (held != null) return new InstanceLock(file, held);
        HELD.remove(file);
        throw inUse(file, worker, id);
    }

    private static InUseException inUse(Path file, String worker, InstanceId id) {
        return new InUseException("instance id " + id.value() + " (from " + id.source() + ") is in use by another " + worker
                + " on this data dir (" + HeldFileLock.holder(file) + "; " + file + "); give each instance on this host its own id: "
                + "--instance-id NAME or " + InstanceId.ENV + "=NAME");
    }

    @Override
    public void close() {
        try {
            held.close();
        } finally {
            HELD.remove(file);
        }
    }
}
