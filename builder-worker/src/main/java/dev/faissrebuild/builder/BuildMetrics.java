package dev.faissrebuild.builder;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seed's resource metrics, set by builders: {@code faiss_rebuild_memory_peak_bytes} (resident
 * high-water mark of the building process, native FAISS memory included) and
 * {@code faiss_rebuild_cpu_avg_percent} (process CPU over wall time across the last build, per core).
 */
public final class BuildMetrics {
    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicLong cpuPercentTimes100 = new AtomicLong();

    /** CPU and wall clock when a build started. */
    public record Usage(long cpuNanos, long wallNanos) {}

    public BuildMetrics(MeterRegistry registry) {
        Gauge.builder("faiss_rebuild_memory_peak_bytes", peakBytes, AtomicLong::get)
                .description("Peak resident memory of the builder process (bytes)").register(registry);
        Gauge.builder("faiss_rebuild_cpu_avg_percent", cpuPercentTimes100, v -> v.get() / 100.0)
                .description("Average CPU use of the builder process during the last build, percent of all cores").register(registry);
    }

    public Usage begin() {
        return new Usage(cpuNanos(), System.nanoTime());
    }

    void succeeded(Usage usage, BuiltIndex built) {
        peakBytes.accumulateAndGet(built.peakRssBytes(), Math::max);
        finish(usage);
    }

    void failed(Usage usage) {
        finish(usage);
    }

    private void finish(Usage usage) {
        long wall = Math.max(1, System.nanoTime() - usage.wallNanos());
        double percent = 100.0 * (cpuNanos() - usage.cpuNanos()) / wall / Runtime.getRuntime().availableProcessors();
        cpuPercentTimes100.set(Math.round(percent * 100));
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
