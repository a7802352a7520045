package dev.faissrebuild.vectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes float32 matrices as {@code .npy} version 1.0, the layout NumPy itself writes (header padded to
 * a multiple of 64 bytes). Rows are streamed, so a file of any size can be written; the file appears
 * under its name only when complete (written beside it, then renamed).
 */
public final class NpyWriter {
    private static final int CHUNK_BYTES = 1 << 20;

    /** Fills one row of the matrix. */
    @FunctionalInterface
    public interface RowSource {
        void fill(long row, float[] out);
    }

    private NpyWriter() {}

    public static void write(Path file, long rows, int dim, RowSource source) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(header(rows, dim)));
            ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(CHUNK_BYTES, dim * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            float[] row = new float[dim];
            for (long r = 0; r < rows; r++) {
                source.fill(r, row);
                if (buf.remaining() < dim * Float.BYTES) drain(buf, out);
                buf.asFloatBuffer().put(row);
                buf.position(buf.position() + dim * Float.BYTES);
            }
            drain(buf, out);
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes a matrix held in one array, row-major. */
    public static void write(Path file, float[] data, int dim) throws IOException {
        write(file, data.length / dim, dim, (r, out) -> System.arraycopy(data, (int) (r * dim), out, 0, dim));
    }

    static byte[] header(long rows, int dim) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyHeader.MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static void drain(ByteBuffer buf, FileChannel out) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) out.write(buf);
        buf.clear();
    }
}
