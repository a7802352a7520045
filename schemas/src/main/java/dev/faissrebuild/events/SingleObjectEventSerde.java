package dev.faissrebuild.events;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding: {@code C3 01}, the writer schema's CRC-64-AVRO fingerprint (little-endian),
 * then Avro binary. The fingerprint picks the event class; the class's decoder resolves that writer
 * version against today's schema through a {@link SchemaStore} holding every known version.
 */
final class SingleObjectEventSerde implements EventSerde {
    private static final int HEADER_LENGTH = 10;

    static {
        EventCatalog.trustGeneratedClasses(); // before any decoder resolves a class
    }

    /** Which class a fingerprint belongs to, the writer schema it stands for, and the class's decoder. */
    private record Route(String name, Schema writer, BinaryMessageDecoder<SpecificRecord> decoder) {}

    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new HashMap<>();
    private final Map<Long, Route> routes = new HashMap<>();
    private final Collection<String> knownEvents = new TreeSet<>();

    private static final class Standard {
        static final SingleObjectEventSerde INSTANCE = new SingleObjectEventSerde(EventCatalog.EVENTS,
                EventCatalog.released().stream().map(EventCatalog.Released::schema).toList());
    }

    static SingleObjectEventSerde standard() {
        return Standard.INSTANCE;
    }

    /** @param versions writer schemas to accept besides the classes' own (released versions, test "v2"s) */
    SingleObjectEventSerde(List<Class<? extends SpecificRecord>> events, List<Schema> versions) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        versions.forEach(store::addSchema);
        for (Class<? extends SpecificRecord> type : events) {
            SpecificData model = SpecificData.getForClass(type); // the class's own model: it converts Instants
            Schema current = EventCatalog.schemaOf(type);
            encoders.put(type, new BinaryMessageEncoder<>(model, current));
            var decoder = new BinaryMessageDecoder<SpecificRecord>(model, current, store);
            routes.put(SchemaNormalization.parsingFingerprint64(current), new Route(current.getFullName(), current, decoder));
            for (Schema version : versions) {
                if (version.getFullName().equals(current.getFullName())) {
                    routes.putIfAbsent(SchemaNormalization.parsingFingerprint64(version),
                            new Route(current.getFullName(), version, decoder));
                }
            }
            knownEvents.add(current.getName());
        }
    }

    @Override
    public byte[] encode(SpecificRecord event) {
        BinaryMessageEncoder<SpecificRecord> encoder = encoders.get(event.getClass());
        if (encoder == null) throw new IllegalArgumentException(event.getClass().getName() + " is not a known event");
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(event, out);
        } catch (IOException | RuntimeException e) { // e.g. a required field left null
            throw new IllegalArgumentException("cannot encode " + event.getSchema().getName() + ": " + e, e);
        }
        return out.toByteArray();
    }

    @Override
    public SpecificRecord decode(byte[] bytes) throws UndecodableEventException {
        Route route = route(bytes);
        try {
            // Walk the body first without materialising it: a corrupt length then fails as "ends early"
            // instead of allocating gigabytes, and trailing bytes are caught.
            BinaryDecoder body = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
            GenericDatumReader.skip(route.writer(), body);
            if (!body.isEnd()) throw new IOException("bytes left over after the record");
            return route.decoder().decode(bytes);
        } catch (SecurityException e) {
            throw e; // Avro refusing one of our classes is a setup bug, not a bad record to dead-letter
        } catch (EOFException e) {
            throw new UndecodableEventException("corrupt body: ends early (" + route.name() + ")", e);
        } catch (IOException | RuntimeException e) {
            String what = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new UndecodableEventException("corrupt body: " + what + " (" + route.name() + ")", e);
        }
    }

    @Override
    public String typeOf(byte[] bytes) {
        try {
            return route(bytes).name();
        } catch (UndecodableEventException e) {
            return "unknown";
        }
    }

    private Route route(byte[] bytes) throws UndecodableEventException {
        if (bytes == null || bytes.length == 0) throw new UndecodableEventException("empty record");
        if (bytes.length < 2 || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
            throw new UndecodableEventException("no single-object header (first bytes " + firstBytes(bytes) + ")");
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new UndecodableEventException("truncated single-object header (" + firstBytes(bytes) + ")");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Route route = routes.get(fingerprint);
        if (route == null) throw new UnknownSchemaException(fingerprint, knownEvents);
        return route;
    }

    /** Up to 8 bytes in hex: enough to tell JSON ({@code 7b 22}), a string or another encoding apart. */
    private static String firstBytes(byte[] bytes) {
        int n = Math.min(bytes.length, 8);
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, n);
        return bytes.length > n ? hex + " …" : hex;
    }
}
