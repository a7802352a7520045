package dev.faissrebuild.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.testing.PythonFaiss;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NpyMatrixTest {
    @TempDir Path dir;

    private Path numpy(String kind) {
        Path file = dir.resolve(kind + ".npy");
        PythonFaiss.run("save", file.toString(), kind, "40", "8");
        return file;
    }

    @Test
    void readsWhatNumpyWrites() {
        Path file = numpy("f4");
        try (NpyMatrix m = NpyMatrix.openChecked(file)) {
            assertThat(m.rows()).isEqualTo(40);
            assertThat(m.dim()).isEqualTo(8);
            assertThat(m.segment().byteSize()).isEqualTo(40 * 8 * 4);
        }
    }

    @Test
    void numpyReadsWhatWeWrite() throws Exception {
        Path file = dir.resolve("ours.npy");
        float[] data = new float[30 * 4];
        for (int i = 0; i < data.length; i++) data[i] = i * 0.5f;
        NpyWriter.write(file, data, 4);
        try (NpyMatrix m = NpyMatrix.open(file)) {
            assertThat(m.row(7)).containsExactly(14f, 14.5f, 15f, 15.5f);
        }
        assertThat(Files.size(file) - 30 * 4 * 4 % 64).isGreaterThan(0);
        // header padded like NumPy's own, so the data starts on a 64-byte boundary
        assertThat((Files.size(file) - data.length * 4L) % 64).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "f8         | dtype is '<f8', expected '<f4'",
        "big-endian | dtype is '>f4', expected '<f4'",
        "fortran    | Fortran (column-major) order",
        "1d         | has 1 dimension(s), expected 2",
        "3d         | has 3 dimension(s), expected 2",
    })
    void rejectsNumpyFilesOfTheWrongKind(String kind, String expected) {
        Path file = numpy(kind);
        assertThatThrownBy(() -> NpyMatrix.open(file))
                .isInstanceOf(InvalidEmbeddingsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "nan | value at row 20, column 2 is NaN",
        "inf | value at row 39, column 7 is Infinity",
    })
    void rejectsNonFiniteValuesNamingTheirPlace(String kind, String expected) {
        Path file = numpy(kind);
        try (NpyMatrix m = NpyMatrix.open(file)) {
            assertThatThrownBy(m::requireFinite).isInstanceOf(InvalidEmbeddingsException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining(expected);
        }
        assertThatThrownBy(() -> NpyMatrix.openChecked(file)).hasMessageContaining(expected);
    }

    @Test
    void chunkedPassStopsAtTheChunkHoldingANan() {
        Path file = numpy("nan");
        AtomicLong seen = new AtomicLong();
        try (NpyMatrix m = NpyMatrix.open(file)) {
            assertThatThrownBy(() -> m.forEachChunk(8, (from, n, chunk) -> seen.addAndGet(n)))
                    .hasMessageContaining("row 20");
        }
        assertThat(seen.get()).isEqualTo(16);
    }

    @Test
    void rejectsABadMagic() throws Exception {
        Path file = Files.write(dir.resolve("magic.npy"), "PK\u0003\u0004 this is a zip, not an array".getBytes());
        assertThatThrownBy(() -> NpyMatrix.open(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("bad magic 50 4b 03 04").hasMessageContaining("not a .npy file");
    }

    @Test
    void rejectsATruncatedBody() throws Exception {
        byte[] whole = Files.readAllBytes(numpy("f4"));
        Path file = Files.write(dir.resolve("truncated.npy"), Arrays.copyOf(whole, whole.length - 100));
        assertThatThrownBy(() -> NpyMatrix.open(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("truncated: shape (40, 8) needs 1280 bytes of float32 data, the file holds 1180");
    }

    @Test
    void rejectsABodyLongerThanTheHeaderSays() throws Exception {
        byte[] whole = Files.readAllBytes(numpy("f4"));
        Path file = Files.write(dir.resolve("long.npy"), Arrays.copyOf(whole, whole.length + 32));
        assertThatThrownBy(() -> NpyMatrix.open(file)).hasMessageContaining("header and body disagree");
    }

    @Test
    void rejectsAHeaderThatLiesAboutItsLength() throws Exception {
        byte[] whole = Files.readAllBytes(numpy("f4"));
        ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 60000);
        Path file = Files.write(dir.resolve("lying.npy"), whole);
        assertThatThrownBy(() -> NpyMatrix.open(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("header claims 60000 bytes but the file has only");
    }

    @Test
    void rejectsAHeaderWithoutAShapeAndTinyFiles() throws Exception {
        byte[] header = NpyWriter.header(2, 2);
        String text = new String(header, 10, header.length - 10).replace("'shape'", "'shapo'");
        byte[] broken = Arrays.copyOf(header, header.length + 16);
        System.arraycopy(text.getBytes(), 0, broken, 10, text.length());
        Path noShape = Files.write(dir.resolve("noshape.npy"), broken);
        assertThatThrownBy(() -> NpyMatrix.open(noShape)).hasMessageContaining("header has no valid 'shape' entry");
        Path tiny = Files.write(dir.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N'});
        assertThatThrownBy(() -> NpyMatrix.open(tiny)).hasMessageContaining("too short");
        assertThatThrownBy(() -> NpyMatrix.open(dir.resolve("absent.npy"))).hasMessageContaining("no such file");
    }

    @Test
    void weatherLikeEmbeddingsAreNormalisedAndSmoothInTime() throws Exception {
        Path file = dir.resolve("w.npy");
        NpyWriter.write(file, 2000, 64, new WeatherLikeEmbeddings(2000, 64, 1, 2));
        try (NpyMatrix m = NpyMatrix.openChecked(file)) {
            double near = 0;
            double far = 0;
            for (int i = 0; i < 1000; i++) {
                float[] a = m.row(i);
                near += dot(a, m.row(i + 1));
                far += dot(a, m.row(i + 150)); // about five months later: another season
                assertThat(dot(a, a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(near / 1000).isGreaterThan(far / 1000 + 0.05);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
