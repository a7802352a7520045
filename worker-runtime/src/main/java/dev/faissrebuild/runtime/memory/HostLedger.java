package dev.faissrebuild.runtime.memory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory reservations of every process on this host that shares one directory (the builders and
 * validators of {@code up}, or the {@code faiss-rebuild-worker@} units beside each other): one file per
 * reservation, named {@code <bytes>-<pid>-<n>.held}, locked by its holder for as long as it holds. A
 * file whose lock is free belongs to a process that died, and is swept by the next reservation.
 *
 * <p>The amounts are in the names because reading a file would open it, and closing any descriptor of a
 * file releases every POSIX lock this process holds on it (the {@link FileLock} caveat): this process never
 * opens its own reservation files a second time, nor the ledger's lock file, which it keeps open.
 */
final class HostLedger implements Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(HostLedger.class);
    private static final String SUFFIX = ".held";
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private final Path dir;
    private final FileChannel ledgerLock;
    /** This process's reservations: files it created and holds locked. */
    private final Map<Path, FileChannel> mine = new HashMap<>();

    HostLedger(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.ledgerLock = FileChannel.open(dir.resolve("ledger.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @Override
    public String where() {
        return "on this host (ledger " + dir + ")";
    }

    /**
     * Under the ledger's lock (callers in this process are serialised by {@link MemoryBudget}): sweeps the
     * reservations of dead processes, sums the living, and holds {@code need} if it fits within {@code budget}.
     * @return the reservation, or the bytes in use when it does not fit
     */
    @Override
    public synchronized Result tryHold(long need, long budget) throws IOException {
        try (FileLock ignored = ledgerLock.lock()) {
            long inUse = sweepAndSum();
            if (inUse + need > budget) return new Result(Optional.empty(), inUse);
            Path file = dir.resolve(need + "-" + PID + "-" + SEQUENCE.incrementAndGet() + SUFFIX);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            ch.lock();
            mine.put(file, ch);
            return new Result(Optional.of(new Held(file, need)), inUse + need);
        }
    }

    @Override
    public synchronized void release(Held h) throws IOException {
        try (FileLock ignored = ledgerLock.lock()) {
            Files.deleteIfExists(h.file()); // deleted while still locked: a sweeper never sees it free and alive
            FileChannel ch = mine.remove(h.file());
            if (ch != null) ch.close();
        }
    }

    /** Bytes held by living processes; files of dead ones (their lock is free) are deleted. */
    private long sweepAndSum() throws IOException {
        long sum = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
                long bytes = bytesOf(f);
                if (bytes < 0) continue; // not ours to judge
                if (mine.containsKey(f) || (!ownPid(f) && alive(f))) sum += bytes;
                else swept(f, bytes);
            }
        }
        return sum;
    }

    private void swept(Path f, long bytes) throws IOException {
        Files.deleteIfExists(f);
        LOG.info("event=memory_reservation_swept file={} bytes={} reason=\"its process is gone\"", f.getFileName(), bytes);
    }

    /** A file named with this process's pid that it does not hold: left by an earlier process that had the same pid. */
    private static boolean ownPid(Path f) {
        String[] parts = f.getFileName().toString().split("-");
        return parts.length == 3 && parts[1].equals(Long.toString(PID));
    }

    private static boolean alive(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) return true; // another process holds it
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM holds it (cannot happen for another pid's file; kept safe)
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    private static long bytesOf(Path f) {
        try {
            return Long.parseLong(f.getFileName().toString().split("-")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
