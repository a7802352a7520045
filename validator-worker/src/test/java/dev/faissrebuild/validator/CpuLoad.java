package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Concurrent IVF builds' CPU load: FAISS k-means training (the costly part of a build) on each of
 * {@code threads} threads, one OpenMP thread each (as a build with {@code threads_per_build = 1}), over
 * and over until closed, so each keeps a core busy for as long as the measurement runs. Each training is
 * short (IVF64 on at most 8,192 vectors), so closing waits less than a second. {@link #coresUsed()} says
 * how much CPU they actually got: with other sessions on the machine, less than a core each.
 */
final class CpuLoad implements AutoCloseable {
    private final List<Thread> threads;
    private final long startNanos = System.nanoTime();
    private volatile boolean stop;

    private CpuLoad(int threads, int dim, MemorySegment vectors, long rows) {
        this.threads = IntStream.range(0, threads).mapToObj(i -> Thread.ofPlatform().name("cpu-load-" + i).daemon().unstarted(() -> {
            while (!stop) {
                try (Index ivf = Index.create(dim, "IVF64,Flat", Metric.INNER_PRODUCT)) {
                    ivf.threads(1).train(vectors, rows);
                }
            }
        })).toList();
    }

    static CpuLoad start(int threads, int dim, MemorySegment vectors, long rows) {
        CpuLoad load = new CpuLoad(threads, dim, vectors, Math.min(rows, 8192));
        load.threads.forEach(Thread::start);
        return load;
    }

    /** CPU seconds the load used per second of wall time since it started (1.0 = one core all along). */
    double coresUsed() {
        long cpu = threads.stream().mapToLong(t -> ManagementFactory.getThreadMXBean().getThreadCpuTime(t.threadId())).sum();
        return cpu / (double) (System.nanoTime() - startNanos);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : threads) t.join();
    }

    /** /proc/loadavg's three load averages, for the report (how busy the machine was besides us). */
    static String loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
