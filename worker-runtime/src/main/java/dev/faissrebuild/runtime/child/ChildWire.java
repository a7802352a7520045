package dev.faissrebuild.runtime.child;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a supervisor and its child say to each other. The supervisor writes the request as one JSON
 * line on the child's stdin and keeps stdin open (the child's lifeline: at EOF the supervisor is gone
 * and the child stops). The child answers with one line on stdout starting with {@link #REPLY}; anything
 * else it prints (logs, native libraries' output) is passed on, never mistaken for the answer.
 */
final class ChildWire {
    static final String REPLY = "@@faiss-rebuild-child-reply ";
    /** A {@link JobProgress.Step}, any number of them before the reply. */
    static final String PROGRESS = "@@faiss-rebuild-child-progress ";
    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ChildWire() {}

    /** The child's answer and what it measured of itself around the job. */
    record Envelope<R>(R reply, ResourceUsage usage) {}

    static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static <R> Envelope<R> readReply(String line, Class<R> replyType) {
        JavaType type = JSON.getTypeFactory().constructParametricType(Envelope.class, replyType);
        try {
            return JSON.readValue(line.substring(REPLY.length()), type);
        } catch (IOException e) {
            throw new UncheckedIOException("the child's reply is not valid: " + e.getMessage(), e);
        }
    }
}
