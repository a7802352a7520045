package dev.faissrebuild.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParser;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test but the release step, kept here so it runs with the module's classpath and directory:
 * {@code mvn -B -q -pl schemas test -Dtest=ReleaseSchemas -Drelease=v2}. It copies each event whose wire
 * schema changed since its latest release into {@code released/v2/} (self-contained, from the .avsc
 * sources, so no Java-only properties) and lists it in the index. Commit the result.
 */
class ReleaseSchemas {
    static final Path AVRO = Path.of("src/main/avro");
    static final Path RELEASED = Path.of("src/main/resources/schemas/released");

    @Test
    @EnabledIfSystemProperty(named = "release", matches = "v[0-9]+")
    void release() throws IOException {
        String version = System.getProperty("release");
        Map<String, Schema> sources = parseSources();
        Map<String, Long> latest = new HashMap<>();
        EventCatalog.released().forEach(r -> latest.put(r.schema().getFullName(), fingerprint(r.schema())));
        for (Class<? extends SpecificRecord> type : EventCatalog.EVENTS) {
            Schema schema = sources.get(EventCatalog.schemaOf(type).getFullName());
            if (Long.valueOf(fingerprint(schema)).equals(latest.get(schema.getFullName()))) continue;
            String entry = version + "/" + schema.getName() + ".avsc";
            assertThat(RELEASED.resolve(entry)).as("a released version is never rewritten").doesNotExist();
            Files.createDirectories(RELEASED.resolve(version));
            Files.writeString(RELEASED.resolve(entry), schema.toString(true) + "\n");
            Files.writeString(RELEASED.resolve("index.txt"), entry + "\n", StandardOpenOption.APPEND);
            System.out.println("released " + entry);
        }
    }

    /**
     * All .avsc files in one parser, in the pom's order: the imports (shared/, then IndexBuilt) first,
     * because a field default can only be checked against a type already parsed.
     */
    static Map<String, Schema> parseSources() throws IOException {
        SchemaParser parser = new SchemaParser();
        try (Stream<Path> files = Files.walk(AVRO)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".avsc")).sorted(Comparator
                    .comparing((Path p) -> !p.startsWith(AVRO.resolve("shared")))
                    .thenComparing(p -> !p.endsWith("IndexBuilt.avsc"))
                    .thenComparing(Comparator.naturalOrder())).toList();
            for (Path f : all) parser.parse(f);
        }
        Map<String, Schema> byName = new HashMap<>();
        List<Schema> named = parser.getParsedNamedSchemas();
        named.forEach(s -> byName.put(s.getFullName(), s));
        return byName;
    }

    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
