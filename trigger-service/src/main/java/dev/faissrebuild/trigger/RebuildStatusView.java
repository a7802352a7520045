package dev.faissrebuild.trigger;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.model.IndexKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * The state of rebuilds, folded from the event log (a materialised view: replaying the topics from the
 * start rebuilds it after a restart): which index is being rebuilt by which rebuild, each rebuild's
 * progress and result, the last outcome of each index, and the history the rebuild metrics and alerts
 * are computed from. Thread-safe; {@link #reserve} is the one place that decides whether a request
 * coalesces with work in progress.
 */
public final class RebuildStatusView {
    private static final int KEEP_REBUILDS = 200;
    private final LinkedHashMap<String, RebuildStatus> rebuilds = new LinkedHashMap<>();
    private final Map<IndexKey, String> reservations = new TreeMap<>();
    private final Map<String, CommandResult> commands = new LinkedHashMap<>();
    private final List<Finished> history = new ArrayList<>();
    private final List<Consumer<Finished>> listeners = new ArrayList<>();
    private RolledBack lastRollback;

    /** Stage of one index within a rebuild; the view never moves an index back to an earlier stage. */
    public enum Stage {
        REQUESTED(0), BUILT(1), VALIDATED(2), REJECTED(3), BUILD_FAILED(3), DEPLOYED(3), NOT_DEPLOYED(3);

        private final int rank;

        Stage(int rank) {
            this.rank = rank;
        }

        public boolean terminal() {
            return rank == 3;
        }
    }

    public record IndexStatus(String rebuildId, Stage stage, String detail, Instant at) {}

    /** A rebuild that ended, for metrics and alerts. */
    public record Finished(String rebuildId, boolean deployed, String trigger, double seconds, Instant at, String detail) {}

    /** One rebuild as seen so far. Events of different topics arrive in any order; each field fills in when known. */
    public static final class RebuildStatus {
        public final String rebuildId;
        public volatile String trigger;
        public volatile Instant requestedAt;
        public final Map<IndexKey, IndexStatus> indices = new TreeMap<>();
        public volatile String result;        // null while in progress, else "deployed" or "failed"
        public volatile String resultDetail;
        public volatile String generationId;

        RebuildStatus(String rebuildId) {
            this.rebuildId = rebuildId;
        }
    }

    /** Calls {@code listener} for every rebuild that finishes from now on (replayed ones included). */
    public synchronized void onFinished(Consumer<Finished> listener) {
        listeners.add(listener);
    }

    public synchronized void fold(SpecificRecord event) {
        switch (event) {
            case RebuildRequested r -> advance(status(r.getRebuildId(), r.getTrigger().name(), r.getRequestedAt()), r.getIndexKey(),
                    Stage.REQUESTED, "building", r.getRequestedAt());
            case IndexBuilt b -> advance(status(b.getRebuildId(), b.getTrigger().name(), b.getRequestedAt()), b.getIndexKey(), Stage.BUILT,
                    b.getFactory() + ", " + b.getNtotal() + " vectors", b.getBuiltAt());
            case BuildFailed f -> advance(status(f.getRebuildId(), f.getTrigger().name(), f.getRequestedAt()), f.getIndexKey(),
                    Stage.BUILD_FAILED, f.getReason(), f.getFailedAt());
            case IndexValidated v -> advance(status(v.getRebuildId(), v.getTrigger().name(), v.getRequestedAt()), v.getIndexKey(),
                    Stage.VALIDATED, "recall@" + v.getFigures().getK() + " " + v.getFigures().getRecallAtK() + ", p99 "
                            + v.getFigures().getLatencyP99Ms() + " ms", v.getValidatedAt());
            case IndexRejected r -> advance(status(r.getRebuildId(), r.getTrigger().name(), r.getRequestedAt()), r.getIndexKey(),
                    Stage.REJECTED, r.getReason(), r.getRejectedAt());
            case GenerationDeployed d -> finished(status(d.getRebuildId(), d.getTrigger().name(), null), true, d.getGenerationId(),
                    "generation " + d.getGenerationId(), d.getRebuildSeconds(), d.getDeployedAt());
            case DeployFailed f -> finished(status(f.getRebuildId(), f.getTrigger().name(), null), false, f.getGenerationId(),
                    f.getReason(), f.getRebuildSeconds(), f.getFailedAt());
            case RolledBack rb -> lastRollback = rb;
            case CommandResult c -> commands.put(c.getCommandId(), c);
            default -> { }
        }
    }

    /**
     * Marks {@code keys} as being rebuilt by {@code rebuildId}, except those already in progress
     * (returned, with the rebuild that holds them). A rebuild older than {@code abandonedAfter} no
     * longer holds its keys: it is taken to have died.
     */
    public synchronized Map<IndexKey, String> reserve(List<IndexKey> keys, String rebuildId, Instant now, Duration abandonedAfter) {
        Map<IndexKey, String> held = inProgress();
        Map<IndexKey, String> busy = new TreeMap<>();
        for (IndexKey k : keys) {
            String holder = held.get(k);
            RebuildStatus s = holder == null ? null : rebuilds.get(holder);
            boolean alive = s != null && (s.requestedAt == null || s.requestedAt.plus(abandonedAfter).isAfter(now));
            if (holder != null && !holder.equals(rebuildId) && alive) busy.put(k, holder);
            else reservations.put(k, rebuildId);
        }
        if (!keys.isEmpty() && busy.size() < keys.size()) status(rebuildId, null, now);
        return busy;
    }

    /** Each index being rebuilt now, with the rebuild doing it. */
    public synchronized Map<IndexKey, String> inProgress() {
        Map<IndexKey, String> out = new TreeMap<>();
        reservations.forEach((k, id) -> {
            RebuildStatus s = rebuilds.get(id);
            IndexStatus st = s == null ? null : s.indices.get(k);
            if (s != null && s.result == null && (st == null || !st.stage().terminal())) out.put(k, id);
        });
        for (RebuildStatus s : rebuilds.values()) {
            if (s.result != null) continue;
            s.indices.forEach((k, st) -> {
                if (!st.stage().terminal()) out.put(k, s.rebuildId);
            });
        }
        return out;
    }

    public synchronized Optional<RebuildStatus> rebuild(String rebuildId) {
        return Optional.ofNullable(rebuilds.get(rebuildId));
    }

    public synchronized List<RebuildStatus> rebuilds() {
        return new ArrayList<>(rebuilds.values());
    }

    /** For each index, its status in the most recent rebuild that included it. */
    public synchronized Map<IndexKey, IndexStatus> lastPerIndex() {
        Map<IndexKey, IndexStatus> out = new TreeMap<>();
        Map<IndexKey, Instant> when = new TreeMap<>();
        for (RebuildStatus s : rebuilds.values()) {
            Instant at = s.requestedAt == null ? Instant.EPOCH : s.requestedAt;
            s.indices.forEach((k, st) -> {
                if (!when.containsKey(k) || !at.isBefore(when.get(k))) {
                    when.put(k, at);
                    out.put(k, st);
                }
            });
        }
        return out;
    }

    public synchronized Optional<CommandResult> command(String commandId) {
        return Optional.ofNullable(commands.get(commandId));
    }

    public synchronized List<Finished> history() {
        return List.copyOf(history);
    }

    public synchronized Optional<RolledBack> lastRollback() {
        return Optional.ofNullable(lastRollback);
    }

    /** Failed rebuilds since the last deployed one. */
    public synchronized int consecutiveFailures() {
        int n = 0;
        for (int i = history.size() - 1; i >= 0 && !history.get(i).deployed(); i--) n++;
        return n;
    }

    public synchronized Optional<Finished> lastSuccess() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).deployed()) return Optional.of(history.get(i));
        }
        return Optional.empty();
    }

    public synchronized Optional<Finished> lastFailure() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (!history.get(i).deployed()) return Optional.of(history.get(i));
        }
        return Optional.empty();
    }

    private RebuildStatus status(String rebuildId, String trigger, Instant requestedAt) {
        RebuildStatus s = rebuilds.computeIfAbsent(rebuildId, RebuildStatus::new);
        if (s.trigger == null || "UNKNOWN".equals(s.trigger)) s.trigger = trigger;
        if (s.requestedAt == null) s.requestedAt = requestedAt;
        while (rebuilds.size() > KEEP_REBUILDS) rebuilds.remove(rebuilds.keySet().iterator().next());
        return s;
    }

    /** Moves an index forward (never back); once the rebuild has ended, an index still open ends with it. */
    private void advance(RebuildStatus s, String indexKey, Stage stage, String detail, Instant at) {
        IndexKey key = IndexKey.parse(indexKey);
        IndexStatus current = s.indices.get(key);
        if (current != null && current.stage().rank > stage.rank) return;
        IndexStatus next = new IndexStatus(s.rebuildId, stage, detail, at);
        if (s.result != null && !stage.terminal()) {
            next = new IndexStatus(s.rebuildId, "deployed".equals(s.result) ? Stage.DEPLOYED : Stage.NOT_DEPLOYED, s.resultDetail, at);
        }
        s.indices.put(key, next);
    }

    private void finished(RebuildStatus s, boolean deployed, String generationId, String detail, double seconds, Instant at) {
        if (s.result != null) return; // a redelivered result: already counted
        s.result = deployed ? "deployed" : "failed";
        s.resultDetail = detail;
        s.generationId = generationId;
        s.indices.replaceAll((k, st) -> st.stage().terminal() ? st
                : new IndexStatus(s.rebuildId, deployed ? Stage.DEPLOYED : Stage.NOT_DEPLOYED, detail, at));
        reservations.values().removeIf(s.rebuildId::equals);
        Finished f = new Finished(s.rebuildId, deployed, s.trigger == null ? "UNKNOWN" : s.trigger, seconds, at, detail);
        history.add(f);
        if (history.size() > 10_000) history.removeFirst();
        listeners.forEach(l -> l.accept(f));
    }
}
