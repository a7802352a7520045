package dev.faissrebuild.vectors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a {@code .npy} file (NumPy format versions 1, 2 and 3), validated for what FAISS can
 * take without conversion: little-endian float32 ({@code <f4}), C order, two dimensions.
 *
 * @param dataOffset where the array's bytes start in the file
 */
public record NpyHeader(long rows, int dim, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public long bodyBytes() {
        return rows * dim * Float.BYTES;
    }

    /**
     * Parses and checks the header from the file's first bytes.
     *
     * @param head the first bytes of the file (at least the whole header when the file has it)
     * @param fileSize the file's size, to tell a truncated body from a complete one
     */
    static NpyHeader parse(Path file, ByteBuffer head, long fileSize) {
        head.order(ByteOrder.LITTLE_ENDIAN);
        if (fileSize < 10) throw bad(file, "file is " + fileSize + " bytes, too short for a .npy header");
        byte[] magic = new byte[6];
        head.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw bad(file, "bad magic " + hex(magic) + ", expected 93 4e 55 4d 50 59 (\\x93NUMPY): not a .npy file");
        }
        int major = head.get(6) & 0xff;
        long headerLength;
        int prefix;
        switch (major) {
            case 1 -> { headerLength = head.getShort(8) & 0xffff; prefix = 10; }
            case 2, 3 -> {
                if (fileSize < 12) throw bad(file, "file ends inside the version " + major + " header");
                headerLength = head.getInt(8) & 0xffffffffL;
                prefix = 12;
            }
            default -> throw bad(file, ".npy format version " + major + " is not supported (expected 1, 2 or 3)");
        }
        long dataOffset = prefix + headerLength;
        if (dataOffset > fileSize) {
            throw bad(file, "header claims " + headerLength + " bytes but the file has only " + (fileSize - prefix) + " after the prefix");
        }
        if (dataOffset > head.limit()) {
            throw bad(file, "header of " + headerLength + " bytes is larger than the " + head.limit() + " bytes read; not supported");
        }
        byte[] text = new byte[(int) headerLength];
        head.get(prefix, text);
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return check(file, dict, dataOffset, fileSize);
    }

    private static NpyHeader check(Path file, String dict, long dataOffset, long fileSize) {
        String descr = find(file, DESCR, dict, "descr");
        if (!descr.equals("<f4")) {
            throw bad(file, "dtype is '" + descr + "', expected '<f4' (little-endian float32); convert with x.astype('<f4')");
        }
        if (find(file, FORTRAN, dict, "fortran_order").equals("True")) {
            throw bad(file, "array is in Fortran (column-major) order, expected C order; convert with np.ascontiguousarray(x)");
        }
        long[] shape = shape(file, find(file, SHAPE, dict, "shape"));
        if (shape.length != 2) {
            throw bad(file, "shape " + Arrays.toString(shape) + " has " + shape.length + " dimension(s), expected 2 (vectors, dimension)");
        }
        if (shape[0] < 1 || shape[1] < 1 || shape[1] > Integer.MAX_VALUE) {
            throw bad(file, "shape " + Arrays.toString(shape) + " is empty or too wide; expected at least one vector of dimension >= 1");
        }
        NpyHeader header = new NpyHeader(shape[0], (int) shape[1], dataOffset);
        long body = fileSize - dataOffset;
        if (body < header.bodyBytes()) {
            throw bad(file, "truncated: shape (" + shape[0] + ", " + shape[1] + ") needs " + header.bodyBytes()
                    + " bytes of float32 data, the file holds " + body);
        }
        if (body > header.bodyBytes()) {
            throw bad(file, "header says shape (" + shape[0] + ", " + shape[1] + ") = " + header.bodyBytes()
                    + " bytes, but the file holds " + body + " bytes of data: header and body disagree");
        }
        return header;
    }

    private static String find(Path file, Pattern pattern, String dict, String key) {
        Matcher m = pattern.matcher(dict);
        if (!m.find()) throw bad(file, "header has no valid '" + key + "' entry: " + dict.strip());
        return m.group(1);
    }

    private static long[] shape(Path file, String tuple) {
        return Arrays.stream(tuple.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .mapToLong(s -> {
                    try {
                        return Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
                    } catch (NumberFormatException e) {
                        throw bad(file, "shape entry '" + s + "' is not a number");
                    }
                })
                .toArray();
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(sb.isEmpty() ? "" : " ").append(String.format("%02x", b & 0xff));
        return sb.toString();
    }

    private static InvalidEmbeddingsException bad(Path file, String problem) {
        return new InvalidEmbeddingsException(file, problem);
    }
}
