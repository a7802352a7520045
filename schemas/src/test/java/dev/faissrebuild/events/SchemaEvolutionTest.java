package dev.faissrebuild.events;

import static org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes as other deployments write them: older released versions, and a newer one. */
class SchemaEvolutionTest {
    private final EventSerde serde = EventSerde.standard();

    @Test
    void bytesOfAnOldProducerWithoutOurClassesDecodeIntoTodaysClass() throws Exception {
        Schema v1 = released("v1", "RebuildCommand");
        GenericRecord old = new GenericData.Record(v1);
        old.put("command_id", "cmd-9");
        old.put("horizons", List.of(6));
        old.put("index_types", List.of());
        old.put("force", false);
        old.put("trigger", new GenericData.EnumSymbol(v1.getField("trigger").schema(), "SCHEDULED"));
        old.put("requested_by", "cron");
        old.put("reason", "");
        old.put("requested_at", SampleEvents.T0.toEpochMilli()); // on the wire a timestamp is a plain long

        RebuildCommand decoded = (RebuildCommand) serde.decode(encode(old));

        assertThat(decoded.getCommandId()).isEqualTo("cmd-9");
        assertThat(decoded.getHorizons()).containsExactly(6);
        assertThat(decoded.getTrigger()).isEqualTo(TriggerType.SCHEDULED);
        assertThat(decoded.getRequestedAt()).isEqualTo(SampleEvents.T0);
    }

    static Stream<Arguments> everyReleasedVersion() {
        return SampleEvents.all().stream().flatMap(event -> EventCatalog.released().stream()
                .filter(r -> r.schema().getFullName().equals(event.getSchema().getFullName()))
                .map(r -> Arguments.of(r.version() + "/" + r.schema().getName(), event, r.schema())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyReleasedVersion")
    void everyReleasedVersionDecodesIntoTodaysClass(String label, SpecificRecord event, Schema version) throws Exception {
        GenericRecord written = asWrittenBy(event, version);
        byte[] bytes = encode(written);

        assertThat(serde.typeOf(bytes)).isEqualTo(event.getSchema().getFullName());
        GenericRecord decoded = (GenericRecord) serde.decode(bytes);
        assertThat(decoded).isInstanceOf(event.getClass());
        // fields the version shares unchanged with today come through as they were written
        for (Schema.Field f : version.getFields()) {
            Schema.Field now = event.getSchema().getField(f.name());
            if (now != null && fingerprint(now.schema()) == fingerprint(f.schema())) {
                assertThat(decoded.get(f.name())).as(f.name()).isEqualTo(((GenericRecord) event).get(f.name()));
            }
        }
    }

    @Test
    void aNewerVersionWithAnAddedFieldAndEnumSymbolIsReadByTodaysClass() throws Exception {
        Schema v1 = released("v1", "RebuildRequested");
        Schema trigger = v1.getField("trigger").schema();
        List<String> symbols = new ArrayList<>(trigger.getEnumSymbols());
        symbols.add("BACKFILL");
        Schema trigger2 = Schema.createEnum(trigger.getName(), trigger.getDoc(), trigger.getNamespace(), symbols, "UNKNOWN");
        Schema v2 = SchemaCompatibilityTest.withFields(v1, fields -> {
            SchemaCompatibilityTest.replace(fields, "trigger", trigger2);
            fields.add(new Schema.Field("priority", Schema.create(Schema.Type.INT), "simulated v2 field", 5));
            return fields;
        });
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(v1, v2).getType()).isEqualTo(COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(v2, v1).getType()).isEqualTo(COMPATIBLE);

        RebuildRequested sample = SampleEvents.rebuildRequested();
        GenericRecord newer = asWrittenBy(sample, v2);
        newer.put("trigger", new GenericData.EnumSymbol(trigger2, "BACKFILL"));
        newer.put("priority", 9);
        byte[] bytes = encode(newer);

        // A reader that was not given v2 cannot know its fingerprint: readers must be upgraded first.
        assertThatThrownBy(() -> serde.decode(bytes)).isInstanceOf(UnknownSchemaException.class);
        assertThat(serde.typeOf(bytes)).isEqualTo("unknown");

        // Today's class (v1) reading with v2 known: the new field is dropped, the new symbol becomes the default.
        List<Schema> known = new ArrayList<>(EventCatalog.released().stream().map(EventCatalog.Released::schema).toList());
        known.add(v2);
        var upgradedReader = new SingleObjectEventSerde(EventCatalog.EVENTS, known);
        RebuildRequested decoded = (RebuildRequested) upgradedReader.decode(bytes);
        assertThat(decoded.getTrigger()).isEqualTo(TriggerType.UNKNOWN);
        decoded.setTrigger(sample.getTrigger());
        assertThat(decoded).isEqualTo(sample);
    }

    @Test
    void aV1ReaderReadsTheV2FailureKindOutOfMemoryAsInternal() throws Exception {
        BuildFailed today = SampleEvents.buildFailed();
        today.setKind(FailureKind.OUT_OF_MEMORY);
        byte[] body = serde.encode(today);
        Schema v1 = released("v1", "BuildFailed");
        GenericRecord old = new GenericDatumReader<GenericRecord>(today.getSchema(), v1, GenericData.get())
                .read(null, DecoderFactory.get().binaryDecoder(body, 10, body.length - 10, null));
        assertThat(old.get("kind")).hasToString("INTERNAL"); // the enum's default: why every enum here has one
        assertThat(old.get("reason")).hasToString(today.getReason());
    }

    /** The event as a producer holding only {@code version} would have built it (timestamps as longs). */
    static GenericRecord asWrittenBy(SpecificRecord event, Schema version) throws IOException {
        byte[] body = EventSerde.standard().encode(event);
        var reader = new GenericDatumReader<GenericRecord>(event.getSchema(), version, GenericData.get());
        return reader.read(null, DecoderFactory.get().binaryDecoder(body, 10, body.length - 10, null));
    }

    static byte[] encode(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), record.getSchema()).encode(record, out);
        return out.toByteArray();
    }

    static Schema released(String version, String name) {
        return EventCatalog.released().stream()
                .filter(r -> r.version().equals(version) && r.schema().getName().equals(name))
                .map(EventCatalog.Released::schema).findFirst().orElseThrow();
    }

    private static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
