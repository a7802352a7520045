package dev.faissrebuild.builder.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.faissrebuild.builder.BuiltIndex;
import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.events.FailureKind;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the worker and its build child say to each other. The worker writes the request as one JSON
 * line on the child's stdin and keeps stdin open (the child's lifeline: at EOF the worker is gone and
 * the child stops). The child answers with one line on stdout starting with {@link #REPLY}; anything
 * else it prints (logs, FAISS's own output) is passed on, never mistaken for the answer.
 */
final class ChildProtocol {
    static final String REPLY = "@@faiss-rebuild-build-reply ";
    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ChildProtocol() {}

    /** The child's answer: {@code built} when it wrote the index, else {@code kind} and {@code reason}. */
    record Reply(BuiltIndex built, FailureKind kind, String reason, ResourceUsage usage) {
        static Reply of(BuildOutcome o) {
            return switch (o) {
                case BuildOutcome.Built b -> new Reply(b.index(), null, null, b.usage());
                case BuildOutcome.Failed f -> new Reply(null, f.kind(), f.reason(), f.usage());
            };
        }

        BuildOutcome outcome() {
            return built != null ? new BuildOutcome.Built(built, usage) : new BuildOutcome.Failed(kind, reason, usage);
        }
    }

    static String request(IndexBuilder.Request r) {
        return write(r);
    }

    static IndexBuilder.Request request(String line) {
        return read(line, IndexBuilder.Request.class);
    }

    static String reply(BuildOutcome o) {
        return REPLY + write(Reply.of(o));
    }

    static BuildOutcome reply(String line) {
        return read(line.substring(REPLY.length()), Reply.class).outcome();
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
