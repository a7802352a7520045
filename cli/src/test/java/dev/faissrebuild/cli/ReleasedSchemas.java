package dev.faissrebuild.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/** Every released event schema, as the serde knows them (the classpath's {@code schemas/released/index.txt}), oldest first. */
record ReleasedSchemas(String version, String json, Schema schema) {
    static List<ReleasedSchemas> all() {
        return read("/schemas/released/index.txt").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).map(entry -> {
            String json = read("/schemas/released/" + entry);
            return new ReleasedSchemas(entry.substring(0, entry.indexOf('/')), json, new Schema.Parser().parse(json));
        }).toList();
    }

    long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The JSON on one line, as the Python client embeds it. */
    String compactJson() {
        try {
            ObjectMapper m = new ObjectMapper();
            return m.writeValueAsString(m.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is not on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
