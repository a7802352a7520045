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
    private final Map<IndexKey, String> inProgress = new TreeMap<>();
    private final LinkedHashMap<String, RebuildStatus> rebuilds = new LinkedHashMap<>();
    private final Map<IndexKey, IndexStatus> lastPerIndex = new TreeMap<>();
    private final Map<String, CommandResult> commands = new LinkedHashMap<>();
    private final List<Finished> history = new ArrayList<>();
    private final List<Consumer<Finished>> listeners = new ArrayList<>();
    private RolledBack lastRollback;

    /** Stage of one index within a rebuild. */
    public enum Stage { REQUESTED, BUILT, VALIDATED, REJECTED, BUILD_FAILED, DEPLOYED, NOT_DEPLOYED }

    public record IndexStatus(String rebuildId, Stage stage, String detail, Instant at) {}

    /** A rebuild that ended, for metrics and alerts. */
    public record Finished(String rebuildId, boolean deployed, String trigger, double seconds, Instant at, String detail) {}

    /** One rebuild as seen so far. */
    public static final class RebuildStatus {
        public final String rebuildId;
        public final String trigger;
        public final Instant requestedAt;
        public final Map<IndexKey, IndexStatus> indices = new TreeMap<>();
        public volatile String result;        // null while in progress, else "deployed" or "failed"
        public volatile String resultDetail;
        public volatile String generationId;

        RebuildStatus(String rebuildId, String trigger, Instant requestedAt) {
            this.rebuildId = rebuildId;
            this.trigger = trigger;
            this.requestedAt = requestedAt;
        }
    }

    /** Calls {@code listener} for every rebuild that finishes from now on (replayed ones included). */
    public synchronized void onFinished(Consumer<Finished> listener) {
        listeners.add(listener);
    }

    public synchronized void fold(SpecificRecord event) {
        switch (event) {
            case RebuildRequested r -> requested(r);
            case IndexBuilt b -> stage(b.getRebuildId(), b.getIndexKey(), Stage.BUILT, b.getFactory() + ", " + b.getNtotal() + " vectors", b.getBuiltAt());
            case BuildFailed f -> ended(f.getRebuildId(), f.getIndexKey(), Stage.BUILD_FAILED, f.getReason(), f.getFailedAt());
            case IndexValidated v -> stage(v.getRebuildId(), v.getIndexKey(), Stage.VALIDATED, "recall@" + v.getFigures().getK() + " "
                    + v.getFigures().getRecallAtK() + ", p99 " + v.getFigures().getLatencyP99Ms() + " ms", v.getValidatedAt());
            case IndexRejected r -> ended(r.getRebuildId(), r.getIndexKey(), Stage.REJECTED, r.getReason(), r.getRejectedAt());
            case GenerationDeployed d -> finished(d.getRebuildId(), true, d.getGenerationId(), "generation " + d.getGenerationId(), d.getRebuildSeconds(), d.getDeployedAt());
            case DeployFailed f -> finished(f.getRebuildId(), false, f.getGenerationId(), f.getReason(), f.getRebuildSeconds(), f.getFailedAt());
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
        Map<IndexKey, String> busy = new TreeMap<>();
        for (IndexKey k : keys) {
            String holder = inProgress.get(k);
            RebuildStatus s = holder == null ? null : rebuilds.get(holder);
            boolean alive = s != null && s.result == null && s.requestedAt.plus(abandonedAfter).isAfter(now);
            if (holder != null && !holder.equals(rebuildId) && alive) busy.put(k, holder);
        }
        for (IndexKey k : keys) {
            if (!busy.containsKey(k)) inProgress.put(k, rebuildId);
        }
        return busy;
    }

    public synchronized Map<IndexKey, String> inProgress() {
        return new TreeMap<>(inProgress);
    }

    public synchronized Optional<RebuildStatus> rebuild(String rebuildId) {
        return Optional.ofNullable(rebuilds.get(rebuildId));
    }

    public synchronized List<RebuildStatus> rebuilds() {
        return new ArrayList<>(rebuilds.values());
    }

    public synchronized Map<IndexKey, IndexStatus> lastPerIndex() {
        return new TreeMap<>(lastPerIndex);
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

    private void requested(RebuildRequested r) {
        RebuildStatus s = rebuilds.computeIfAbsent(r.getRebuildId(), id -> new RebuildStatus(id, r.getTrigger().name(), r.getRequestedAt()));
        IndexKey key = IndexKey.parse(r.getIndexKey());
        if (s.result == null) inProgress.put(key, r.getRebuildId());
        IndexStatus st = new IndexStatus(r.getRebuildId(), Stage.REQUESTED, "building", r.getRequestedAt());
        s.indices.put(key, st);
        lastPerIndex.put(key, st);
        while (rebuilds.size() > KEEP_REBUILDS) rebuilds.remove(rebuilds.keySet().iterator().next());
    }

    private void stage(String rebuildId, String indexKey, Stage stage, String detail, Instant at) {
        IndexKey key = IndexKey.parse(indexKey);
        IndexStatus st = new IndexStatus(rebuildId, stage, detail, at);
        RebuildStatus s = rebuilds.get(rebuildId);
        if (s != null) s.indices.put(key, st);
        lastPerIndex.put(key, st);
    }

    private void ended(String rebuildId, String indexKey, Stage stage, String detail, Instant at) {
        stage(rebuildId, indexKey, stage, detail, at);
        inProgress.remove(IndexKey.parse(indexKey), rebuildId);
    }

    private void finished(String rebuildId, boolean deployed, String generationId, String detail, double seconds, Instant at) {
        RebuildStatus s = rebuilds.get(rebuildId);
        if (s != null && s.result != null) return; // a redelivered result: already counted
        if (s != null) {
            s.result = deployed ? "deployed" : "failed";
            s.resultDetail = detail;
            s.generationId = generationId;
            for (Map.Entry<IndexKey, IndexStatus> e : s.indices.entrySet()) {
                if (e.getValue().stage() == Stage.VALIDATED || e.getValue().stage() == Stage.BUILT || e.getValue().stage() == Stage.REQUESTED) {
                    IndexStatus st = new IndexStatus(rebuildId, deployed ? Stage.DEPLOYED : Stage.NOT_DEPLOYED, detail, at);
                    e.setValue(st);
                    lastPerIndex.put(e.getKey(), st);
                }
            }
        }
        inProgress.values().removeIf(rebuildId::equals);
        Finished f = new Finished(rebuildId, deployed, s == null ? "UNKNOWN" : s.trigger, seconds, at, detail);
        history.add(f);
        if (history.size() > 10_000) history.removeFirst();
        listeners.forEach(l -> l.accept(f));
    }
}
