package dev.faissrebuild.trigger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.faissrebuild.runtime.http.Health.ActiveAlert;
import dev.faissrebuild.trigger.RebuildStatusView.Finished;
import dev.faissrebuild.trigger.RebuildStatusView.IndexStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The entries of the trigger's state topic ({@code faiss.rebuild.state}), as JSON so that any Kafka
 * client can read them ({@code kcat -C -t faiss.rebuild.state -e}); unknown fields are ignored, so an
 * older trigger reads a newer one's state. Keys: {@code rebuild/<id>}, {@code command/<id>},
 * {@code summary}, {@code alerts}.
 */
public final class StatusRecords {
    static final String SUMMARY = "summary";
    static final String ALERTS = "alerts";
    static final String REBUILD = "rebuild/";
    static final String COMMAND = "command/";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StatusRecords() {}

    /** One rebuild as far as it got: its indices' stages and, once it ended, its result. */
    public record RebuildRecord(String rebuildId, String trigger, Instant requestedAt, Map<String, IndexStatus> indices,
                         String result, String resultDetail, String generationId, String cancelled, boolean cancelledAll, String commandId) {}

    /** What the trigger decided for one operator command (served at {@code /api/commands/<id>}). */
    public record CommandDecision(String commandId, String rebuildId, List<String> accepted, Map<String, String> coalescedInto,
                           Map<String, String> skipped, Instant decidedAt, String rejectedReason) {}

    /** A scheduled run that did not start, and why. */
    public record SkippedRun(Instant at, String reason, Instant cooldownUntil) {}

    /**
     * What the metrics, the alerts and the cool-down are computed from.
     *
     * @param recent the latest finished rebuilds (for the 24 h success share and the status), newest last
     */
    public record Summary(Instant firstStartedAt, Finished lastSuccess, Finished lastFailure, int consecutiveFailures,
                   List<Finished> recent, SkippedRun lastSkippedRun, long skippedRuns) {}

    /** The alerts firing now, as last published on {@code faiss.alerts}. */
    public record FiringAlerts(List<ActiveAlert> firing) {}

    static byte[] encode(Object record) {
        try {
            return record == null ? null : JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T decode(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("state entry is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** The record type stored under {@code key}. */
    static Class<?> typeOf(String key) {
        if (key.startsWith(REBUILD)) return RebuildRecord.class;
        if (key.startsWith(COMMAND)) return CommandDecision.class;
        if (key.equals(SUMMARY)) return Summary.class;
        if (key.equals(ALERTS)) return FiringAlerts.class;
        return null;
    }
}
