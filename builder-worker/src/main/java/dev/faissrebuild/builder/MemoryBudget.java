package dev.faissrebuild.builder;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rebuild.max_memory_gb}: what every build of one builder process holds at once stays within the
 * budget. A build reserves its estimate ({@link BuildMemory}) before it starts and gives it back when it
 * ends. One that fits alone but not beside the running builds waits, first come first served, so a large
 * build is never overtaken for ever by small ones; one whose estimate alone exceeds the budget is
 * refused by its caller before it gets here. A budget of 0 reserves nothing and never waits.
 */
public final class MemoryBudget {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudget.class);
    private final double gb;
    private final long bytes;
    private final Deque<Object> queue = new ArrayDeque<>();
    private long inUse;
    private long waits;

    /** What a build holds; closing it gives the memory back (once). */
    public interface Reservation extends AutoCloseable {
        @Override
        void close();
    }

    private MemoryBudget(double gb) {
        this.gb = gb;
        this.bytes = (long) (gb * (1L << 30));
    }

    /** @param gb {@code rebuild.max_memory_gb}, in GiB; 0 = no budget */
    public static MemoryBudget ofGb(double gb) {
        return new MemoryBudget(gb);
    }

    public boolean limited() {
        return bytes > 0;
    }

    /** Whether a build needing {@code need} bytes can ever run here. */
    public boolean admits(long need) {
        return !limited() || need <= bytes;
    }

    /** For messages: the setting and what it allows. */
    public String describe() {
        return "rebuild.max_memory_gb = " + gb + " allows " + BuildMemory.human(bytes) + " for all the builds of this process at once";
    }

    /** Builds that had to wait so far (for tests and the log). */
    public synchronized long waits() {
        return waits;
    }

    /** Waits until {@code need} bytes fit beside the running builds and this build is first in line, then holds them. */
    public Reservation reserve(String build, long need) throws InterruptedException {
        if (!limited()) return () -> { };
        if (need > bytes) throw new IllegalArgumentException(build + " needs more than the whole budget; refuse it before reserving");
        long waitedSince = take(build, need);
        if (waitedSince != 0) {
            LOG.info("event=build_memory_granted build={} needs_bytes={} waited_seconds={}", build, need,
                    String.format("%.1f", (System.nanoTime() - waitedSince) / 1e9));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) release(need);
        };
    }

    /** Returns when the wait started (System.nanoTime), or 0 when there was none. */
    private synchronized long take(String build, long need) throws InterruptedException {
        Object ticket = new Object();
        queue.addLast(ticket);
        long waitedSince = 0;
        try {
            while (queue.peekFirst() != ticket || inUse + need > bytes) {
                if (waitedSince == 0) {
                    waitedSince = System.nanoTime();
                    waits++;
                    LOG.info("event=build_waiting_for_memory build={} needs_bytes={} in_use_bytes={} budget_bytes={} queued_ahead={}",
                            build, need, inUse, bytes, queue.size() - 1);
                }
                wait();
            }
        } catch (InterruptedException e) {
            queue.remove(ticket);
            notifyAll(); // the next in line may fit now
            throw e;
        }
        queue.removeFirst();
        inUse += need;
        notifyAll(); // the next in line may fit beside this one
        return waitedSince;
    }

    private synchronized void release(long need) {
        inUse -= need;
        notifyAll();
    }
}
