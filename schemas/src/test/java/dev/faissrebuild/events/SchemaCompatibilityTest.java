package dev.faissrebuild.events;

import static org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
import static org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The .avsc files are the contract: today's schemas must read, and be read by, every released version. */
class SchemaCompatibilityTest {

    static Stream<Arguments> currentAndReleased() {
        return EventCatalog.released().stream().map(r -> Arguments.of(
                r.version() + "/" + r.schema().getName(), current(r.schema().getFullName()), r.schema()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("currentAndReleased")
    void todayReadsTheReleasedVersionAndItReadsToday(String label, Schema current, Schema released) {
        SchemaPairCompatibility backward = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
        SchemaPairCompatibility forward = SchemaCompatibility.checkReaderWriterCompatibility(released, current);
        assertThat(backward.getType()).as("today reads %s: %s", label, explain(backward)).isEqualTo(COMPATIBLE);
        assertThat(forward.getType()).as("%s reads today: %s", label, explain(forward)).isEqualTo(COMPATIBLE);
    }

    @Test
    void everyEventIsReleasedAsItIsToday() {
        for (Class<? extends SpecificRecord> type : EventCatalog.EVENTS) {
            Schema current = EventCatalog.schemaOf(type);
            List<Schema> versions = EventCatalog.released().stream().map(EventCatalog.Released::schema)
                    .filter(s -> s.getFullName().equals(current.getFullName())).toList();
            assertThat(versions).as("released versions of %s", current.getName()).isNotEmpty();
            // A changed .avsc that is not released would write fingerprints other services cannot read.
            assertThat(SchemaNormalization.parsingFingerprint64(versions.getLast()))
                    .as("%s changed since its latest release; if that is intended, release it: "
                            + "mvn -B -q -pl schemas test -Dtest=ReleaseSchemas -Drelease=vN", current.getName())
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(current));
        }
    }

    @Test
    void everyReleasedSchemaIsAnEventOfToday() {
        List<String> events = EventCatalog.EVENTS.stream().map(c -> EventCatalog.schemaOf(c).getFullName()).toList();
        assertThat(EventCatalog.released()).extracting(r -> r.schema().getFullName()).allMatch(events::contains);
    }

    // The checks above only ever see compatible pairs while there is one version; these prove they can fail.

    @Test
    void catchesANewFieldWithoutDefault() {
        Schema v1 = released("RebuildRequested");
        Schema v2 = withFields(v1, fields -> {
            fields.add(new Schema.Field("priority", Schema.create(Schema.Type.INT)));
            return fields;
        });
        SchemaPairCompatibility backward = SchemaCompatibility.checkReaderWriterCompatibility(v2, v1);
        assertThat(backward.getType()).isEqualTo(INCOMPATIBLE);
        assertThat(explain(backward)).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("priority");
        // old readers simply ignore it: forward compatibility alone would not have caught this
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(v1, v2).getType()).isEqualTo(COMPATIBLE);
    }

    @Test
    void catchesAFieldTypeChange() {
        Schema v1 = released("RebuildRequested");
        Schema v2 = withFields(v1, fields -> replace(fields, "horizon_hours", Schema.create(Schema.Type.STRING)));
        for (var pair : List.of(SchemaCompatibility.checkReaderWriterCompatibility(v2, v1),
                SchemaCompatibility.checkReaderWriterCompatibility(v1, v2))) {
            assertThat(pair.getType()).isEqualTo(INCOMPATIBLE);
            assertThat(explain(pair)).contains("TYPE_MISMATCH").contains("horizon_hours");
        }
    }

    @Test
    void catchesARemovedEnumSymbolOnlyWithoutDefault() {
        Schema v1 = released("RebuildRequested");
        Schema trigger = v1.getField("trigger").schema();
        List<String> noApi = trigger.getEnumSymbols().stream().filter(s -> !s.equals("API")).toList();
        Schema noDefault = Schema.createEnum(trigger.getName(), null, trigger.getNamespace(), noApi, null);
        Schema withDefault = Schema.createEnum(trigger.getName(), null, trigger.getNamespace(), noApi, "UNKNOWN");

        var broken = SchemaCompatibility.checkReaderWriterCompatibility(
                withFields(v1, fields -> replace(fields, "trigger", noDefault)), v1);
        assertThat(broken.getType()).isEqualTo(INCOMPATIBLE);
        assertThat(explain(broken)).contains("MISSING_ENUM_SYMBOLS").contains("API").contains("trigger");
        // with a default symbol the reader maps API to UNKNOWN: why every enum here has one
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(
                withFields(v1, fields -> replace(fields, "trigger", withDefault)), v1).getType()).isEqualTo(COMPATIBLE);
    }

    static Schema current(String fullName) {
        return EventCatalog.EVENTS.stream().map(EventCatalog::schemaOf)
                .filter(s -> s.getFullName().equals(fullName)).findFirst().orElseThrow();
    }

    static Schema released(String name) {
        return EventCatalog.released().stream().map(EventCatalog.Released::schema)
                .filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    /** A copy of a record schema with its (copied) field list edited. */
    static Schema withFields(Schema record, UnaryOperator<List<Schema.Field>> edit) {
        List<Schema.Field> fields = new ArrayList<>();
        record.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, edit.apply(fields));
    }

    static List<Schema.Field> replace(List<Schema.Field> fields, String name, Schema type) {
        fields.replaceAll(f -> f.name().equals(name) ? new Schema.Field(name, type, f.doc()) : new Schema.Field(f, f.schema()));
        return fields;
    }

    /** Each incompatibility with its location turned into field names ("/fields/2/type" → "horizon_hours"). */
    static String explain(SchemaPairCompatibility pair) {
        return pair.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + fieldPath(pair.getReader(), i.getLocation()) + ": " + i.getMessage())
                .collect(Collectors.joining("; "));
    }

    private static String fieldPath(Schema schema, String location) {
        List<String> names = new ArrayList<>();
        String[] parts = location.split("/");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("fields") && i + 1 < parts.length && schema.getType() == Schema.Type.RECORD) {
                Schema.Field f = schema.getFields().get(Integer.parseInt(parts[++i]));
                names.add(f.name());
                schema = f.schema();
            }
        }
        return names.isEmpty() ? location : String.join(".", names) + " (" + location + ")";
    }
}
