package dev.faissrebuild.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/** The events that travel on Kafka, and every released version of their schemas. */
final class EventCatalog {
    /** Lists the released schema files, oldest first; entries are only ever added. */
    static final String RELEASED_INDEX = "/schemas/released/index.txt";

    /** Top-level events. Nested types (GateResult, DeployedFile, …) travel only inside them. */
    static final List<Class<? extends SpecificRecord>> EVENTS = List.of(
            RebuildCommand.class, EmbeddingsUpdated.class, CommandResult.class, RebuildRequested.class,
            IndexBuilt.class, BuildFailed.class, IndexValidated.class, IndexRejected.class,
            GenerationDeployed.class, DeployFailed.class, RolledBack.class, Alert.class, CancelRebuild.class, RebuildCancelled.class, BuildProgress.class);

    /** One released schema file: {@code version} is its directory, e.g. {@code "v1"}. */
    record Released(String version, Schema schema) {}

    private static boolean trusted;

    private EventCatalog() {}

    /**
     * Avro 1.12.2 refuses to instantiate any class it was not told to trust (its CVE-2024-47561 hardening),
     * our own generated classes included, so decoding fails with "Forbidden …". Trust exactly the named
     * types of our events, keeping whatever else the process trusts, so no JVM needs a -D flag for it.
     */
    static synchronized void trustGeneratedClasses() {
        if (trusted) return;
        Set<String> names = new TreeSet<>();
        EVENTS.forEach(type -> collectNamedTypes(schemaOf(type), names));
        ClassSecurityValidator.Builder ours = ClassSecurityValidator.builder();
        names.forEach(ours::add);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours.build()));
        trusted = true;
    }

    private static void collectNamedTypes(Schema schema, Set<String> names) {
        switch (schema.getType()) {
            case RECORD -> {
                if (names.add(schema.getFullName())) schema.getFields().forEach(f -> collectNamedTypes(f.schema(), names));
            }
            case ENUM, FIXED -> names.add(schema.getFullName());
            case ARRAY -> collectNamedTypes(schema.getElementType(), names);
            case MAP -> collectNamedTypes(schema.getValueType(), names);
            case UNION -> schema.getTypes().forEach(t -> collectNamedTypes(t, names));
            default -> {}
        }
    }

    static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.getForClass(type).getSchema(type);
    }

    /** Every released schema; a missing or unparsable file is a packaging bug, so it fails loudly. */
    static List<Released> released() {
        List<Released> out = new ArrayList<>();
        for (String entry : readIndex()) {
            String resource = "/schemas/released/" + entry;
            try (InputStream in = EventCatalog.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("released schema " + resource + " is listed but missing");
                // a fresh parser per file: each file is self-contained and the versions share names
                out.add(new Released(entry.substring(0, entry.indexOf('/')), new Schema.Parser().parse(in)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + resource, e);
            }
        }
        return out;
    }

    private static List<String> readIndex() {
        InputStream in = EventCatalog.class.getResourceAsStream(RELEASED_INDEX);
        if (in == null) throw new IllegalStateException(RELEASED_INDEX + " is missing from the classpath");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RELEASED_INDEX, e);
        }
    }
}
