package dev.faissrebuild.runtime.child;

/**
 * What one build used, measured by the process that ran it and nothing else: its resident-memory
 * high-water mark ({@code VmHWM}: FAISS's native memory included, and the build process's own JVM,
 * some 50–100 MB), its CPU time on all threads (OpenMP's included) and its wall time.
 *
 * @param peakRssBytes -1 when unknown (the process died before it could say)
 */
public record ResourceUsage(long peakRssBytes, double cpuSeconds, double wallSeconds) {
    /** Average CPU use over the build, in percent of all {@code cores} (100: every core busy throughout). */
    public double cpuPercentOf(int cores) {
        return wallSeconds <= 0 ? 0 : 100.0 * cpuSeconds / wallSeconds / cores;
    }
}
