package dev.faissrebuild.runtime.child;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A hard memory limit for one child: RLIMIT_AS set by util-linux's {@code prlimit} on the child's own
 * command, so an allocation past it fails in that process only (FAISS throws std::bad_alloc, the JVM
 * reports "insufficient memory") and the worker, the broker and the other builds go on. Address space,
 * not resident memory, is what the kernel can limit per process without a cgroup of our own; a
 * cgroup v2 {@code memory.max} would count resident pages, but needs a delegated hierarchy that a
 * worker started from a shell or a plain systemd unit does not have.
 *
 * <p>Address space includes what merely exists: the JVM's reservations (heap up to -Xmx, code cache,
 * class space, thread stacks), the FAISS and BLAS libraries, and the memory-mapped embeddings file.
 * {@link #BASE_BYTES} covers the first (measured: a child JVM with these flags does not start under
 * 0.8 GiB; with FAISS loaded and an IVF-PQ build of 4,000 × 32 on one thread it peaks at 1.09 GB of
 * address space); each FAISS thread adds its stack ({@link #PER_THREAD_BYTES}); the caller adds those,
 * the mapped file and the job's own allowance.
 */
public final class MemoryFence {
    /** What a child JVM with FAISS loaded needs to exist, before its job allocates anything. */
    public static final long BASE_BYTES = 1280L << 20;
    /** An OpenMP thread's stack (8 MiB) and guard, with room; glibc arenas are capped (MALLOC_ARENA_MAX=2). */
    public static final long PER_THREAD_BYTES = 16L << 20;
    /** The child JVM's flags that keep its reservations inside {@link #BASE_BYTES}. */
    static final List<String> JVM_FLAGS = List.of("-Xmx512m", "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=64m");
    private static final Path PRLIMIT = findPrlimit();

    private MemoryFence() {}

    /** Whether hard limits can be set here. */
    public static boolean available() {
        return PRLIMIT != null;
    }

    /** {@code command} run under an address-space limit of {@code jobBytes} + the base; as it is when {@code jobBytes} is 0. */
    static List<String> wrap(List<String> command, long jobBytes) {
        if (jobBytes <= 0 || PRLIMIT == null) return command;
        List<String> out = new ArrayList<>(List.of(PRLIMIT.toString(), "--as=" + (BASE_BYTES + jobBytes), "--"));
        out.addAll(command);
        return out;
    }

    private static Path findPrlimit() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin")) {
            Path p = Path.of(dir, "prlimit");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
