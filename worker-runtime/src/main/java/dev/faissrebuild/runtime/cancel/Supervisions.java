package dev.faissrebuild.runtime.cancel;

import dev.faissrebuild.runtime.child.Supervision;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs (builds, validations) a worker runs in children, each under its supervision: the time limit of
 * one job ({@code rebuild.max_rebuild_time_minutes}), and the cancellations, which stop the running job of
 * a cancelled index at once and keep its queued events from starting one.
 */
public final class Supervisions {
    private final Duration timeLimit;
    private final Cancellations cancellations;
    private final Map<String, Supervision> running = new ConcurrentHashMap<>();

    public Supervisions(Duration timeLimit, Cancellations cancellations) {
        this.timeLimit = timeLimit;
        this.cancellations = cancellations;
        cancellations.onCancel((rebuildId, keys, reason) -> running.forEach((id, s) -> {
            String key = id.substring(id.indexOf('|') + 1);
            if (id.startsWith(rebuildId + "|") && Cancellations.covers(keys, key)) s.stop(Supervision.Why.CANCELLED, reason);
        }));
    }

    public static Supervisions unlimited() {
        return new Supervisions(null, Cancellations.none());
    }

    /** Why this index of this rebuild must not be built, if it is cancelled. */
    public Optional<String> cancelled(String rebuildId, String key) {
        return cancellations.reason(rebuildId, key);
    }

    /** A supervision for one job; {@link #done} when it ends. A cancel that came meanwhile stops it as soon as it starts. */
    public Supervision start(String rebuildId, String key) {
        Supervision s = new Supervision(timeLimit, "rebuild.max_rebuild_time_minutes");
        running.put(rebuildId + "|" + key, s);
        cancellations.reason(rebuildId, key).ifPresent(reason -> s.stop(Supervision.Why.CANCELLED, reason));
        return s;
    }

    public void done(String rebuildId, String key) {
        running.remove(rebuildId + "|" + key);
    }
}
