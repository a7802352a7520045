package dev.faissrebuild.runtime.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rebuild.max_memory_gb}: what the builds and validations on this host hold at once stays within
 * the budget. Each reserves its estimate (a build's {@code BuildMemory}, a validation's
 * {@code ValidationMemory}) before it starts and gives it back when it ends. One that fits alone but not
 * beside what runs waits, first come first served within a process, so a large build is never overtaken
 * for ever by small ones. A budget of 0 reserves nothing and never waits.
 *
 * <p>{@link #onHost} shares the budget between every process that names the same directory (one
 * {@link HostLedger}); one instance per directory serves all the workers of a process, as in {@code up}.
 * {@link #ofGb} is this process's budget alone (tests; a worker without a state directory).
 */
public final class MemoryBudget {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudget.class);
    /** How often a waiter looks again for memory given back by another process (this process's releases wake it at once). */
    static final long POLL_MILLIS = 500;
    private static final Map<Path, MemoryBudget> ON_HOST = new ConcurrentHashMap<>();
    private final double gb;
    private final long bytes;
    private final Ledger ledger;
    private final Deque<Object> queue = new ArrayDeque<>();
    private long waits;
    private long lastInUse;

    /** What a build or validation holds; closing it gives the memory back (once). */
    public interface Reservation extends AutoCloseable {
        @Override
        void close();
    }

    private MemoryBudget(double gb, Ledger ledger) {
        this.gb = gb;
        this.bytes = (long) (gb * (1L << 30));
        this.ledger = ledger;
    }

    /** @param gb {@code rebuild.max_memory_gb}, in GiB; 0 = no budget; for this process's work alone */
    public static MemoryBudget ofGb(double gb) {
        return new MemoryBudget(gb, new ProcessLedger());
    }

    /**
     * The budget shared by every process on this host whose reservations live in {@code dir}. Within a
     * process, the first caller for a directory sets its size: the workers of one process share one config.
     */
    public static MemoryBudget onHost(double gb, Path dir) {
        if (gb <= 0) return ofGb(0);
        return ON_HOST.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
            try {
                return new MemoryBudget(gb, new HostLedger(d));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the memory ledger in " + d, e);
            }
        });
    }

    public boolean limited() {
        return bytes > 0;
    }

    public long bytes() {
        return bytes;
    }

    /** Whether work needing {@code need} bytes can ever run here. */
    public boolean admits(long need) {
        return !limited() || need <= bytes;
    }

    /** For messages: the setting and what it allows. */
    public String describe() {
        return "rebuild.max_memory_gb = " + gb + " allows " + human(bytes) + " for all the builds and validations "
                + ledger.where() + " at once";
    }

    /** Reservations that had to wait so far (for tests and the log). */
    public synchronized long waits() {
        return waits;
    }

    /** Waits until {@code need} bytes fit beside what runs and this reservation is first in line, then holds them. */
    public Reservation reserve(String work, long need) throws InterruptedException {
        if (!limited()) return () -> { };
        if (need > bytes) throw new IllegalArgumentException(work + " needs more than the whole budget; refuse it before reserving");
        long waitedSince = 0;
        synchronized (this) {
            Object ticket = new Object();
            queue.addLast(ticket);
            try {
                Ledger.Held held;
                while ((held = tryTake(ticket, need)) == null) {
                    if (waitedSince == 0) {
                        waitedSince = System.nanoTime();
                        waits++;
                        LOG.info("event=memory_waiting work={} needs_bytes={} in_use_bytes={} budget_bytes={} queued_ahead={} budget_of=\"{}\"",
                                work, need, lastInUse, bytes, queue.size() - 1, ledger.where());
                    }
                    // this process's releases wake it at once; another process's are seen at the next look
                    wait(ledger instanceof HostLedger ? POLL_MILLIS : 0);
                }
                return granted(work, need, held, waitedSince);
            } catch (InterruptedException | RuntimeException e) {
                queue.remove(ticket);
                notifyAll(); // the next in line may fit now
                throw e;
            }
        }
    }

    /** First in line and fits: holds the memory and leaves the queue; else null. */
    private Ledger.Held tryTake(Object ticket, long need) {
        if (queue.peekFirst() != ticket) return null;
        try {
            Ledger.Result r = ledger.tryHold(need, bytes);
            lastInUse = r.inUse();
            if (r.held().isEmpty()) return null;
            queue.removeFirst();
            notifyAll(); // the next in line may fit beside this one
            return r.held().get();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reserve memory " + ledger.where(), e);
        }
    }

    private Reservation granted(String work, long need, Ledger.Held held, long waitedSince) {
        if (waitedSince != 0) {
            LOG.info("event=memory_granted work={} needs_bytes={} waited_seconds={}", work, need,
                    String.format("%.1f", (System.nanoTime() - waitedSince) / 1e9));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) release(held);
        };
    }

    private synchronized void release(Ledger.Held held) {
        try {
            ledger.release(held);
        } catch (IOException e) {
            // the file stays until this process ends and a sweep finds its lock free: held a little longer, never lost
            LOG.warn("event=memory_release_failed file={} reason=\"{}\"", held.file(), e.getMessage());
        } finally {
            notifyAll();
        }
    }

    /** Bytes for people: MiB below a GiB, else GiB (the unit of rebuild.max_memory_gb). */
    public static String human(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.2f GiB", bytes / (double) (1L << 30)) : String.format("%.1f MiB", bytes / (double) (1L << 20));
    }
}
