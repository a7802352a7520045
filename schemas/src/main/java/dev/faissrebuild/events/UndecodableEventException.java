package dev.faissrebuild.events;

/** A record value that is not an event this service can read; it belongs on the dead-letter topic. */
public class UndecodableEventException extends Exception {
    private final String reason;

    public UndecodableEventException(String reason) {
        this(reason, null);
    }

    public UndecodableEventException(String reason, Throwable cause) {
        super("undecodable event: " + reason, cause);
        this.reason = reason;
    }

    /** Short and stable enough for a dead-letter header, e.g. {@code "empty record"}. */
    public String reason() {
        return reason;
    }
}
