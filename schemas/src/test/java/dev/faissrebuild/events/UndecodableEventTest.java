package dev.faissrebuild.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** What a worker may find on a topic besides events; each must fail with a reason fit for a dead-letter header. */
class UndecodableEventTest {
    private final EventSerde serde = EventSerde.standard();
    private final byte[] valid = serde.encode(SampleEvents.rebuildCommand());

    @Test
    void emptyRecord() {
        assertThat(reasonOf(new byte[0])).isEqualTo("empty record");
        assertThat(reasonOf(null)).isEqualTo("empty record");
    }

    @Test
    void json() {
        byte[] json = "{\"command_id\": \"cmd-1\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(reasonOf(json)).isEqualTo("no single-object header (first bytes 7b 22 63 6f 6d 6d 61 6e …)");
        assertThat(serde.typeOf(json)).isEqualTo("unknown");
    }

    @Test
    void garbage() {
        assertThat(reasonOf(new byte[] {0x00, (byte) 0xff, 0x13})).isEqualTo("no single-object header (first bytes 00 ff 13)");
    }

    @Test
    void truncatedHeader() {
        assertThat(reasonOf(Arrays.copyOf(valid, 5))).isEqualTo("truncated single-object header (c3 01 " + hex(valid, 2, 3) + ")");
    }

    @Test
    void truncatedBody() {
        assertThat(reasonOf(Arrays.copyOf(valid, valid.length - 5)))
                .isEqualTo("corrupt body: ends early (dev.faissrebuild.events.RebuildCommand)");
        assertThat(reasonOf(Arrays.copyOf(valid, 10))).startsWith("corrupt body: ends early");
        // the header alone still says what it was meant to be
        assertThat(serde.typeOf(Arrays.copyOf(valid, 10))).isEqualTo("dev.faissrebuild.events.RebuildCommand");
    }

    @Test
    void trailingBytes() {
        assertThat(reasonOf(Arrays.copyOf(valid, valid.length + 3))).startsWith("corrupt body: bytes left over");
    }

    @Test
    void garbageBody() {
        byte[] bytes = Arrays.copyOf(valid, 30);
        Arrays.fill(bytes, 10, 30, (byte) 0xff); // a varint that never ends
        assertThat(reasonOf(bytes)).startsWith("corrupt body: ").contains("RebuildCommand");
    }

    @Test
    void hugeDeclaredLengthIsRefusedWithoutAllocatingIt() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().binaryEncoder(body, null);
        out.writeLong(2_000_000_000L); // command_id claims 2 GB
        out.writeFixed("cmd".getBytes(StandardCharsets.UTF_8));
        out.flush();
        // without the skip pass before decoding, Avro first allocates the 2 GB (seconds, or an OOM), then fails
        byte[] bytes = concat(Arrays.copyOf(valid, 10), body.toByteArray());
        assertThat(reasonOf(bytes)).startsWith("corrupt body: ends early");
    }

    @Test
    void unknownFingerprint() {
        byte[] bytes = valid.clone();
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);

        UnknownSchemaException e = catchThrowableOfType(UnknownSchemaException.class, () -> serde.decode(bytes));

        assertThat(e.fingerprint()).isEqualTo("0123456789abcdef");
        assertThat(e.reason()).contains("0123456789abcdef").contains("RebuildCommand").contains("Alert");
        assertThat(e.getMessage()).startsWith("undecodable event: unknown schema fingerprint 0123456789abcdef");
        assertThat(serde.typeOf(bytes)).isEqualTo("unknown");
    }

    private String reasonOf(byte[] bytes) {
        UndecodableEventException e = catchThrowableOfType(UndecodableEventException.class, () -> serde.decode(bytes));
        assertThat(e).as("decode should have refused it").isNotNull();
        return e.reason();
    }

    private static String hex(byte[] bytes, int from, int n) {
        return java.util.HexFormat.ofDelimiter(" ").formatHex(bytes, from, from + n);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
