package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.EventRoute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * docs/events.md, the reference other software is written against, generated from {@link EventRoute} and
 * the released schemas: every event's topic, key, writer, readers, fields, and the fingerprint of each
 * released version. The test fails when the file is not what the code says (regenerate with -Dregenerate=true).
 */
class EventReferenceTest {
    @Test
    void theEventReferenceIsUpToDate() throws Exception {
        Path file = PrometheusRulesFiles.repoRoot().resolve("docs/events.md");
        String generated = reference();
        if (Boolean.getBoolean("regenerate")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated);
            return;
        }
        assertThat(file).as("docs/events.md is missing; run: mvn -pl cli test -Dtest=EventReferenceTest -Dregenerate=true").exists();
        assertThat(Files.readString(file)).as("docs/events.md is out of date; run: mvn -pl cli test -Dtest=EventReferenceTest -Dregenerate=true")
                .isEqualTo(generated);
    }

    static String reference() {
        StringBuilder md = new StringBuilder("""
                # Events

                Generated from `schemas/src/main/java/dev/faissrebuild/events/EventRoute.java` and the released schemas
                (`EventReferenceTest`; do not edit). Every event is Avro single-object encoded: the bytes `C3 01`, the
                writer schema's 64-bit CRC-64-AVRO fingerprint of its Parsing Canonical Form (little-endian), then Avro
                binary. A reader that knows every released version decodes them all (`clients/python/faiss_rebuild_client.py`
                does, with the standard library). Per-index topics have one partition per index key: 6h/flatip 0,
                6h/ivfpq 1, 12h/flatip 2, 12h/ivfpq 3, 24h/flatip 4, 24h/ivfpq 5, 48h/flatip 6, 48h/ivfpq 7.

                """);
        List<ReleasedSchemas> released = ReleasedSchemas.all();
        for (EventRoute r : EventRoute.ALL) {
            Schema schema = SpecificData.get().getSchema(r.event());
            md.append("## ").append(schema.getName()).append("\n\n").append(schema.getDoc()).append("\n\n");
            md.append("- topic: `").append(r.topic()).append("`\n- key: ").append(r.key()).append("\n- writer: ").append(r.writer())
                    .append("\n- readers: ").append(r.readers()).append("\n- released versions (fingerprint, the wire bytes after `C3 01`): ")
                    .append(released.stream().filter(x -> x.schema().getName().equals(schema.getName()))
                            .map(x -> x.version() + " `" + wire(x.fingerprint()) + "`").collect(Collectors.joining(", "))).append("\n\n");
            md.append("| field | type | default | meaning |\n|---|---|---|---|\n");
            for (Schema.Field f : schema.getFields()) {
                md.append("| `").append(f.name()).append("` | ").append(type(f.schema())).append(" | ")
                        .append(f.hasDefaultValue() ? "`" + defaultOf(f) + "`" : "")
                        .append(" | ").append(f.doc() == null ? "" : f.doc().replace("|", "\\|")).append(" |\n");
            }
            md.append("\n");
        }
        return md.toString();
    }

    static String defaultOf(Schema.Field f) {
        Object v = f.defaultVal();
        if (v == org.apache.avro.JsonProperties.NULL_VALUE) return "null";
        return v instanceof CharSequence text ? "\"" + text + "\"" : String.valueOf(v);
    }

    /** The fingerprint as it appears on the wire: 8 bytes, little-endian. */
    static String wire(long fp) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) sb.append(String.format("%02x", (fp >>> (8 * i)) & 0xff)).append(i < 7 ? " " : "");
        return sb.toString();
    }

    static String type(Schema s) {
        String logical = s.getLogicalType() == null ? "" : " (" + s.getLogicalType().getName() + ")";
        return switch (s.getType()) {
            case UNION -> s.getTypes().stream().map(EventReferenceTest::type).collect(Collectors.joining(" \\| "));
            case ARRAY -> "array of " + type(s.getElementType());
            case MAP -> "map of " + type(s.getValueType());
            case RECORD, ENUM, FIXED -> "`" + s.getName() + "`" + (s.getType() == Schema.Type.ENUM ? " (" + String.join(", ", s.getEnumSymbols()) + ")" : "");
            default -> s.getType().getName() + logical;
        };
    }
}
