package dev.faissrebuild.vectors;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.faissrebuild.faiss.NativeFloats;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@code .npy} matrix of float32 vectors, memory-mapped: nothing is read into the Java heap, and
 * slices of {@link #segment()} go to FAISS as they are. A file larger than RAM works; the OS pages it.
 * Closing unmaps the file (segments obtained from it become unusable).
 */
public final class NpyMatrix implements AutoCloseable {
    private static final int HEAD_BYTES = 1 << 16;
    private final Path file;
    private final NpyHeader header;
    private final Arena arena;
    private final MemorySegment data;

    private NpyMatrix(Path file, NpyHeader header, Arena arena, MemorySegment data) {
        this.file = file;
        this.header = header;
        this.arena = arena;
        this.data = data;
    }

    /** Opens and maps a file after checking its header and size (not its values: see {@link #requireFinite}). */
    public static NpyMatrix open(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, HEAD_BYTES));
            while (head.hasRemaining() && channel.read(head) > 0) {
                // read up to the header's maximal length
            }
            head.flip();
            NpyHeader header = NpyHeader.parse(file, head, size);
            Arena arena = Arena.ofShared();
            try {
                MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), header.bodyBytes(), arena);
                return new NpyMatrix(file, header, arena, data);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new InvalidEmbeddingsException(file, "no such file", e);
        } catch (IOException e) {
            throw new InvalidEmbeddingsException(file, "cannot be read: " + e, e);
        }
    }

    /** Opens, maps and checks every value is finite. */
    public static NpyMatrix openChecked(Path file) {
        NpyMatrix m = open(file);
        try {
            m.requireFinite();
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public long rows() {
        return header.rows();
    }

    public int dim() {
        return header.dim();
    }

    /** All vectors, row after row. */
    public MemorySegment segment() {
        return data;
    }

    /** {@code count} vectors starting at row {@code from}, as a slice of the mapping (no copy). */
    public MemorySegment rows(long from, long count) {
        if (from < 0 || count < 0 || from + count > rows()) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + (from + count) + " of " + rows());
        }
        long rowBytes = (long) dim() * Float.BYTES;
        return data.asSlice(from * rowBytes, count * rowBytes);
    }

    /** One vector, copied to the heap. */
    public float[] row(long index) {
        return rows(index, 1).toArray(JAVA_FLOAT);
    }

    /** Copies the given rows, in order, into a new segment of {@code arena} (training samples, query sets). */
    public MemorySegment gather(long[] rowIds, Arena target) {
        long rowBytes = (long) dim() * Float.BYTES;
        MemorySegment out = target.allocate(rowBytes * rowIds.length, Float.BYTES);
        for (int i = 0; i < rowIds.length; i++) {
            MemorySegment.copy(rows(rowIds[i], 1), 0, out, i * rowBytes, rowBytes);
        }
        return out;
    }

    /** Receives consecutive chunks of the matrix. */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(long firstRow, long count, MemorySegment vectors);
    }

    /**
     * Hands the matrix over in chunks of at most {@code chunkRows} rows, each checked for non-finite
     * values first; only one chunk's pages need to be resident at a time.
     */
    public void forEachChunk(long chunkRows, ChunkConsumer consumer) {
        forEachChunk(0, chunkRows, consumer);
    }

    /** As above, from row {@code firstRow} on (the rows appended since an index was built). */
    public void forEachChunk(long firstRow, long chunkRows, ChunkConsumer consumer) {
        if (chunkRows < 1) throw new IllegalArgumentException("chunkRows must be >= 1");
        for (long from = firstRow; from < rows(); from += chunkRows) {
            long count = Math.min(chunkRows, rows() - from);
            requireFinite(from, count);
            consumer.accept(from, count, rows(from, count));
        }
    }

    /** Throws {@link InvalidEmbeddingsException} naming the first NaN or infinite value, if any. */
    public void requireFinite() {
        requireFinite(0, rows());
    }

    /** The same check on {@code count} rows from {@code from}, so a chunked pass can check as it goes. */
    public void requireFinite(long from, long count) {
        long bad = NativeFloats.firstNonFinite(rows(from, count), count * dim());
        if (bad >= 0) {
            long row = from + bad / dim();
            int column = (int) (bad % dim());
            float value = rows(row, 1).getAtIndex(JAVA_FLOAT, column);
            throw new InvalidEmbeddingsException(file, "value at row " + row + ", column " + column + " is " + value
                    + "; every value must be finite");
        }
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    @Override
    public String toString() {
        return file + " (" + rows() + " x " + dim() + " float32)";
    }
}
