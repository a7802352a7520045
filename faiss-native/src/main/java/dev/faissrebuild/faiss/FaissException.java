package dev.faissrebuild.faiss;

/** A FAISS call that failed: the operation we attempted and FAISS's own message. */
public class FaissException extends RuntimeException {
    private final String operation;
    private final String faissMessage;

    public FaissException(String operation, String faissMessage) {
        this(operation, faissMessage, null);
    }

    public FaissException(String operation, String faissMessage, Throwable cause) {
        super(operation + " failed: " + faissMessage, cause);
        this.operation = operation;
        this.faissMessage = faissMessage;
    }

    /** What we asked of FAISS, e.g. {@code read_index /data/x.faiss}. */
    public String operation() {
        return operation;
    }

    /** The message FAISS (or the shim) gave, verbatim. */
    public String faissMessage() {
        return faissMessage;
    }
}
