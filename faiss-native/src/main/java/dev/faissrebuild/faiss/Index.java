package dev.faissrebuild.faiss;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A FAISS index in native memory.
 *
 * <p>Vectors are passed as {@link MemorySegment}s (a memory-mapped {@code .npy} goes to FAISS with no
 * copy) or as float arrays (copied into native memory: heap arrays cannot be handed to a downcall).
 * Searches may run concurrently; {@link #close()} waits for calls in flight and frees the native
 * index exactly once, after which every call fails with {@link IllegalStateException}.
 */
public final class Index implements AutoCloseable {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String origin;
    private MemorySegment handle;
    private volatile int threads = FaissRuntime.defaultThreads();

    private Index(MemorySegment handle, String origin) {
        this.handle = handle;
        this.origin = origin;
    }

    /** {@code faiss.index_factory(d, factory, metric)}, e.g. {@code "Flat"} or {@code "IVF256,PQ32np"}. */
    public static Index create(int dimension, String factory, Metric metric) {
        String op = "index_factory(" + dimension + ", \"" + factory + "\", " + metric.label() + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment desc = arena.allocateFrom(factory);
            Shim.check(op, (e, n) -> (int) Shim.INDEX_FACTORY.invokeExact(dimension, desc, metric.code(), out, e, n));
            return new Index(out.get(ADDRESS, 0), factory);
        }
    }

    /** Reads an index file into memory. */
    public static Index read(Path file) {
        return read(file, false);
    }

    /**
     * Reads an index file memory-mapped where FAISS supports it (the inverted lists of IVF indices stay
     * on disk, paged in by the OS; flat indices are read into memory as usual).
     */
    public static Index readMapped(Path file) {
        return read(file, true);
    }

    private static Index read(Path file, boolean mmap) {
        String op = (mmap ? "read_index(mmap) " : "read_index ") + file;
        if (!Files.isRegularFile(file)) throw new FaissException(op, "no such file");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment path = arena.allocateFrom(file.toString());
            Shim.check(op, (e, n) -> (int) Shim.READ_INDEX.invokeExact(path, mmap ? 1 : 0, out, e, n));
            return new Index(out.get(ADDRESS, 0), file.toString());
        }
    }

    /** OpenMP threads this index's train, add and search calls use. */
    public Index threads(int count) {
        if (count < 1) throw new IllegalArgumentException("threads must be >= 1, got " + count);
        this.threads = count;
        return this;
    }

    public int threads() {
        return threads;
    }

    public void train(float[] vectors) {
        try (Arena arena = Arena.ofConfined()) {
            train(arena.allocateFrom(JAVA_FLOAT, vectors), rowsOf(vectors));
        }
    }

    /** Trains on {@code n} vectors laid out row after row in {@code vectors}. */
    public void train(MemorySegment vectors, long n) {
        requireSize(vectors, n, "train");
        run("train", h -> Shim.check("train " + origin + " on " + n + " vectors",
                (e, len) -> (int) Shim.INDEX_TRAIN.invokeExact(h, n, vectors, threads, e, len)));
    }

    public void add(float[] vectors) {
        try (Arena arena = Arena.ofConfined()) {
            add(arena.allocateFrom(JAVA_FLOAT, vectors), rowsOf(vectors));
        }
    }

    /** Adds {@code n} vectors; ids continue from {@link #ntotal()}. */
    public void add(MemorySegment vectors, long n) {
        requireSize(vectors, n, "add");
        run("add", h -> Shim.check("add " + n + " vectors to " + origin,
                (e, len) -> (int) Shim.INDEX_ADD.invokeExact(h, n, vectors, threads, e, len)));
    }

    /** Makes room for {@code n} more vectors up front where the index type allows (flat), so chunked adds do not copy. */
    public void reserve(long n) {
        run("reserve", h -> Shim.check("reserve " + n + " vectors in " + origin,
                (e, len) -> (int) Shim.INDEX_RESERVE.invokeExact(h, n, e, len)));
    }

    public SearchResult search(float[] queries, int k) {
        try (Arena arena = Arena.ofConfined()) {
            return search(arena.allocateFrom(JAVA_FLOAT, queries), rowsOf(queries), k);
        }
    }

    /** The {@code k} nearest neighbours of each of {@code n} queries, best first; id -1 where fewer exist. */
    public SearchResult search(MemorySegment queries, long n, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        requireSize(queries, n, "search");
        if (n * k > Integer.MAX_VALUE) throw new IllegalArgumentException("n * k = " + n * k + " results do not fit one array");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment distances = arena.allocate(JAVA_FLOAT, n * k);
            MemorySegment labels = arena.allocate(JAVA_LONG, n * k);
            run("search", h -> Shim.check("search " + origin + " (" + n + " queries, k=" + k + ")",
                    (e, len) -> (int) Shim.INDEX_SEARCH.invokeExact(h, n, queries, (long) k, distances, labels, threads, e, len)));
            return new SearchResult((int) n, k, distances.toArray(JAVA_FLOAT), labels.toArray(JAVA_LONG));
        }
    }

    /** A deep copy ({@code faiss.clone_index}): the same training, vectors and search settings; closed separately. */
    public Index copy() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            run("clone", h -> Shim.check("clone_index " + origin, (e, n) -> (int) Shim.INDEX_CLONE.invokeExact(h, out, e, n)));
            return new Index(out.get(ADDRESS, 0), origin + " (copy)").threads(threads);
        }
    }

    /** Removes every vector; the training (quantizers, codebooks) and search settings stay. */
    public void reset() {
        run("reset", h -> Shim.check("reset " + origin, (e, n) -> (int) Shim.INDEX_RESET.invokeExact(h, e, n)));
    }

    /** Removes the vectors whose ids are in [from, to); returns how many were removed. */
    public long removeRange(long from, long to) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment removed = arena.allocate(JAVA_LONG);
            run("remove_ids", h -> Shim.check("remove ids " + from + ".." + to + " of " + origin,
                    (e, n) -> (int) Shim.INDEX_REMOVE_RANGE.invokeExact(h, from, to, removed, e, n)));
            return removed.get(JAVA_LONG, 0);
        }
    }

    public long ntotal() {
        return withHandle("ntotal", h -> (long) Shim.invoke(Shim.INDEX_NTOTAL, h));
    }

    public int dimension() {
        return withHandle("dimension", h -> (int) Shim.invoke(Shim.INDEX_D, h));
    }

    public Metric metric() {
        return Metric.ofCode(withHandle("metric", h -> (int) Shim.invoke(Shim.INDEX_METRIC, h)));
    }

    public boolean isTrained() {
        return withHandle("is_trained", h -> (int) Shim.invoke(Shim.INDEX_IS_TRAINED, h)) == 1;
    }

    /**
     * Where the vectors a flat index stores first differ from {@code rows} (a byte offset), or -1 when
     * they are the same bytes: an IndexFlat's search is exhaustive, so an index that holds exactly the
     * embeddings is exact for them, proved by a memory compare instead of a brute-force search.
     *
     * @throws IllegalStateException when this is not a flat index
     */
    public long flatMismatch(MemorySegment rows) {
        return withHandle("flat codes", h -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                long bytes = (long) Shim.invoke(Shim.FLAT_CODES, h, out);
                if (bytes < 0) throw new IllegalStateException(origin + " is not a flat index: it stores no vectors to compare");
                return out.get(ADDRESS, 0).reinterpret(bytes).mismatch(rows);
            }
        });
    }

    /** Writes the index with {@code faiss.write_index}; the file is a standard FAISS file. */
    public void write(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            run("write", h -> Shim.check("write_index " + file,
                    (e, n) -> (int) Shim.WRITE_INDEX.invokeExact(h, path, e, n)));
        }
    }

    /** Sets nprobe on the IVF part of the index, through any wrapper (refine, pre-transform). */
    public void setNprobe(int nprobe) {
        setParameter("nprobe", nprobe);
    }

    /** Sets a search parameter FAISS's {@code ParameterSpace} knows, e.g. {@code nprobe} or {@code k_factor}. */
    public void setParameter(String name, double value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(name);
            run("set " + name, h -> Shim.check("set " + name + "=" + value + " on " + origin,
                    (e, len) -> (int) Shim.SET_PARAM.invokeExact(h, n, value, e, len)));
        }
    }

    /** Class, metric, sizes and IVF/PQ settings, as FAISS reports them. */
    public IndexInfo info() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096);
            run("info", h -> Shim.check("describe " + origin,
                    (e, n) -> (int) Shim.INDEX_INFO.invokeExact(h, buf, 4096L, e, n)));
            return IndexInfo.fromJson(buf.getString(0));
        }
    }

    /** Frees the native index; waits for calls in flight; harmless when repeated. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (handle == null) return;
            Shim.invoke(Shim.INDEX_FREE, handle);
            handle = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return handle == null;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Index[" + origin + (isClosed() ? ", closed]" : "]");
    }

    @FunctionalInterface
    private interface HandleUse<T> {
        T apply(MemorySegment handle);
    }

    @FunctionalInterface
    private interface HandleAction {
        void apply(MemorySegment handle);
    }

    private <T> T withHandle(String what, HandleUse<T> use) {
        lock.readLock().lock();
        try {
            if (handle == null) throw new IllegalStateException(what + " on a closed index (" + origin + ")");
            return use.apply(handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void run(String what, HandleAction action) {
        withHandle(what, h -> {
            action.apply(h);
            return null;
        });
    }

    private long rowsOf(float[] vectors) {
        int d = dimension();
        if (vectors.length % d != 0) {
            throw new IllegalArgumentException(vectors.length + " floats are not a whole number of " + d + "-dimensional vectors");
        }
        return vectors.length / d;
    }

    private void requireSize(MemorySegment vectors, long n, String what) {
        if (n < 0) throw new IllegalArgumentException(what + ": negative vector count " + n);
        long needed = n * dimension() * Float.BYTES;
        if (vectors.byteSize() < needed) {
            throw new IllegalArgumentException(what + ": " + n + " vectors of dimension " + dimension() + " need "
                    + needed + " bytes, the segment has " + vectors.byteSize());
        }
    }
}
