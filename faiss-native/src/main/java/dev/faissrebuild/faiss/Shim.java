package dev.faissrebuild.faiss;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The downcall handles of {@code faiss_shim.cpp}, one per C function, and the error convention:
 * every fallible function takes a message buffer and its length as its last two arguments and
 * returns 0, or -1 with FAISS's message in the buffer.
 */
final class Shim {
    private static final int ERROR_BUFFER = 2048;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = NativeLibrary.load();

    static final MethodHandle INDEX_FACTORY = fallible("fr_index_factory", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle INDEX_FREE = handle("fr_index_free", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle INDEX_TRAIN = fallible("fr_index_train", ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT);
    static final MethodHandle INDEX_ADD = fallible("fr_index_add", ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT);
    static final MethodHandle INDEX_RESERVE = fallible("fr_index_reserve", ADDRESS, JAVA_LONG);
    static final MethodHandle INDEX_SEARCH =
            fallible("fr_index_search", ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle INDEX_CLONE = fallible("fr_index_clone", ADDRESS, ADDRESS);
    static final MethodHandle INDEX_RESET = fallible("fr_index_reset", ADDRESS);
    static final MethodHandle INDEX_REMOVE_RANGE = fallible("fr_index_remove_range", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    static final MethodHandle INDEX_NTOTAL = handle("fr_index_ntotal", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MethodHandle INDEX_D = handle("fr_index_d", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle INDEX_METRIC = handle("fr_index_metric", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle INDEX_IS_TRAINED = handle("fr_index_is_trained", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle FLAT_CODES = handle("fr_flat_codes", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    static final MethodHandle WRITE_INDEX = fallible("fr_write_index", ADDRESS, ADDRESS);
    static final MethodHandle READ_INDEX = fallible("fr_read_index", ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle SET_PARAM = fallible("fr_set_param", ADDRESS, ADDRESS, JAVA_DOUBLE);
    static final MethodHandle INDEX_INFO = fallible("fr_index_info", ADDRESS, ADDRESS, JAVA_LONG);
    static final MethodHandle KNN_EXACT = fallible("fr_knn_exact",
            ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle FIRST_NON_FINITE =
            handle("fr_first_non_finite", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));
    static final MethodHandle BLAS_CONFIGURE =
            handle("fr_blas_configure", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

    private Shim() {}

    /** A call of one fallible shim function, given the error buffer arguments to pass last. */
    @FunctionalInterface
    interface Call {
        int invoke(MemorySegment error, long errorLength) throws Throwable;
    }

    /** Runs a fallible call and turns a non-zero return into a {@link FaissException} for {@code operation}. */
    static void check(String operation, Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(ERROR_BUFFER);
            int rc;
            try {
                rc = call.invoke(error, ERROR_BUFFER);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new FaissException(operation, t.toString(), t);
            }
            if (rc != 0) throw new FaissException(operation, error.getString(0).strip());
        }
    }

    /** Invokes a handle that cannot fail in C; only Java-side linkage errors are rethrown. */
    static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle fallible(String name, MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = ADDRESS;
        all[args.length + 1] = JAVA_LONG;
        return handle(name, FunctionDescriptor.of(JAVA_INT, all));
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIB.find(name)
                .orElseThrow(() -> new FaissException("load FAISS shim", "symbol " + name + " missing; rebuild faiss-native"));
        return LINKER.downcallHandle(symbol, descriptor);
    }
}
