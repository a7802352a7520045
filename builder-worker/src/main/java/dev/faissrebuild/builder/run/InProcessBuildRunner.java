package dev.faissrebuild.builder.run;

import com.sun.management.OperatingSystemMXBean;
import dev.faissrebuild.builder.BuiltIndex;
import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.runtime.ProcessMemory;
import dev.faissrebuild.runtime.child.ResourceUsage;
import dev.faissrebuild.runtime.child.Supervision;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;

/**
 * Runs a build in this process: what the build child does, and what {@code build-index} does, where the
 * process runs nothing else, so its peak memory and CPU are the build's. It cannot stop a FAISS call, so
 * it ignores its supervision (the child that runs it is what gets killed).
 */
public final class InProcessBuildRunner implements BuildRunner {
    @Override
    public BuildOutcome run(IndexBuilder.Request request, String label, Supervision supervision) {
        long wall = System.nanoTime();
        long cpu = cpuNanos();
        try {
            BuiltIndex built = new IndexBuilder().build(request);
            ResourceUsage usage = usage(wall, cpu);
            return new BuildOutcome.Built(built.withPeakRssBytes(usage.peakRssBytes()), usage);
        } catch (RuntimeException | OutOfMemoryError e) {
            return new BuildOutcome.Failed(kind(e), String.valueOf(e.getMessage()), usage(wall, cpu));
        }
    }

    /** What kind of failure an exception of a build is. */
    static FailureKind kind(Throwable e) {
        return switch (e) {
            case InvalidEmbeddingsException x -> FailureKind.INVALID_INPUT;
            case IllegalArgumentException x -> FailureKind.INVALID_INPUT;
            case IndexBuilder.TargetUnreachableException x -> FailureKind.INVALID_INPUT;
            case OutOfMemoryError x -> FailureKind.OUT_OF_MEMORY; // the heap, or a native allocation the JVM made
            case FaissException x when String.valueOf(x.getMessage()).contains("bad_alloc") -> FailureKind.OUT_OF_MEMORY;
            case FaissException x -> FailureKind.FAISS_ERROR;
            case UncheckedIOException x -> FailureKind.IO_ERROR;
            default -> FailureKind.INTERNAL;
        };
    }

    private static ResourceUsage usage(long wallStart, long cpuStart) {
        return new ResourceUsage(ProcessMemory.peakRssBytes(), (cpuNanos() - cpuStart) / 1e9, (System.nanoTime() - wallStart) / 1e9);
    }

    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
