package dev.faissrebuild.faiss;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Process-wide FAISS settings: the default OpenMP thread count and the BLAS in use.
 *
 * <p>On first use OpenBLAS's own thread pool is set to one thread, whatever {@code OPENBLAS_NUM_THREADS}
 * says: FAISS already parallelises with OpenMP, and both pools together made IVF-PQ training about
 * twice slower on two cores. The launch scripts set the variable too, for processes that never
 * reach this class (Python).
 */
public final class FaissRuntime {
    private static final String BLAS;
    private static final boolean OPENBLAS;
    private static volatile int defaultThreads = initialThreads();

    static {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(512);
            int isOpenBlas = (int) Shim.invoke(Shim.BLAS_CONFIGURE, 1, buf, 512L);
            OPENBLAS = isOpenBlas == 1;
            BLAS = buf.getString(0);
        }
    }

    private FaissRuntime() {}

    /** The BLAS that libblas.so.3 resolved to, e.g. {@code OpenBLAS 0.3.21 DYNAMIC_ARCH ...}. */
    public static String blas() {
        return BLAS;
    }

    public static boolean isOpenBlas() {
        return OPENBLAS;
    }

    /** OpenMP threads a FAISS call uses unless its index says otherwise. */
    public static int defaultThreads() {
        return defaultThreads;
    }

    public static void setDefaultThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        defaultThreads = threads;
    }

    private static int initialThreads() {
        String env = System.getenv("OMP_NUM_THREADS");
        if (env != null) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the core count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
