package dev.faissrebuild.events;

import java.util.Collection;

/**
 * A well-formed single-object record whose schema fingerprint matches no known version of any event:
 * typically a producer already writing a version this service was not yet upgraded to read.
 */
public class UnknownSchemaException extends UndecodableEventException {
    private final String fingerprint;

    public UnknownSchemaException(long fingerprint, Collection<String> knownEvents) {
        super("unknown schema fingerprint " + hex(fingerprint) + " (known events: " + String.join(", ", knownEvents)
                + "; a newer schema version must be released to readers before writers use it)");
        this.fingerprint = hex(fingerprint);
    }

    /** The CRC-64-AVRO fingerprint as 16 hex digits, as {@code SchemaNormalization.parsingFingerprint64} gives it. */
    public String fingerprint() {
        return fingerprint;
    }

    static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }
}
