package dev.faissrebuild.trigger;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.BuildProgress;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.http.Health.ActiveAlert;
import dev.faissrebuild.trigger.StatusRecords.CommandDecision;
import dev.faissrebuild.trigger.StatusRecords.FiringAlerts;
import dev.faissrebuild.trigger.StatusRecords.RebuildRecord;
import dev.faissrebuild.trigger.StatusRecords.SkippedRun;
import dev.faissrebuild.trigger.StatusRecords.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * The state of rebuilds, folded from the event log (a materialised view): which index is being rebuilt
 * by which rebuild, each rebuild's progress and result, the last outcome of each index, the rebuild
 * history behind the metrics, the alerts and the cool-down, and the alerts firing. Every change marks
 * its entry dirty; {@link StatusState} writes dirty entries to the compacted state topic, so the view
 * outlives the events' retention. Thread-safe; {@link #reserve} is the one place that decides whether a
 * request coalesces with work in progress.
 */
public final class RebuildStatusView {
    private static final int KEEP_REBUILDS = 200;
    private static final int KEEP_COMMANDS = 500;
    private final LinkedHashMap<String, RebuildStatus> rebuilds = new LinkedHashMap<>();
    private final Map<IndexKey, String> reservations = new TreeMap<>();
    private final LinkedHashMap<String, CommandDecision> commands = new LinkedHashMap<>();
    private final RebuildHistory history = new RebuildHistory();
    private final Map<String, ActiveAlert> firing = new TreeMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final List<Consumer<Finished>> listeners = new ArrayList<>();

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

    /** Calls {@code listener} for every rebuild that finishes from now on (folded, not restored). */
    public synchronized void onFinished(Consumer<Finished> listener) {
        listeners.add(listener);
    }

    public synchronized void fold(SpecificRecord event) {
        if (!validRebuildId(event)) return; // refused by every worker, it can never end: it must not hold an index
        switch (event) {
            case RebuildRequested r -> {
                RebuildStatus s = status(r.getRebuildId(), r.getTrigger().name(), r.getRequestedAt());
                if (s.commandId == null) s.commandId = r.getCommandId();
                advance(s, r.getIndexKey(), Stage.REQUESTED, "building", r.getRequestedAt());
            }
            case RebuildCancelled c -> {
                RebuildStatus s = status(c.getRebuildId(), c.getTrigger().name(), c.getRequestedAt());
                s.cancelled = c.getReason() + (c.getIndexKeys().isEmpty() ? "" : " (" + String.join(", ", c.getIndexKeys()) + ")");
                s.cancelledAll |= c.getIndexKeys().isEmpty();
            }
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
            case CommandResult c -> command(c);
            case BuildProgress p -> progressed(p);
            default -> { }
        }
    }

    private static boolean validRebuildId(SpecificRecord event) {
        Object id = event.getSchema().getField("rebuild_id") == null ? null : event.get(event.getSchema().getField("rebuild_id").pos());
        if (id == null) return true; // not a rebuild's event (a command result), or a rebuild not started (no id)
        try {
            ConfinedPaths.requireSimpleName(id.toString(), "rebuild id");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Replaces the view with the entries of the state topic (before any event is folded). */
    public synchronized void restore(Map<String, Object> entries) {
        entries.forEach((key, value) -> {
            switch (value) {
                case RebuildRecord r -> rebuilds.put(r.rebuildId(), RebuildStatus.of(r));
                case CommandDecision c -> commands.put(c.commandId(), c);
                case Summary s -> history.restore(s);
                case FiringAlerts a -> a.firing().forEach(x -> firing.put(x.identity(), x));
                default -> { }
            }
        });
        // insertion order is what eviction and "recent" rely on: restore it by time
        sortByRequestTime();
    }

    /** The entries changed since the last call, as records to store (null: the entry was removed). */
    public synchronized List<Map.Entry<String, Object>> drainChanges() {
        List<Map.Entry<String, Object>> out = new ArrayList<>();
        for (String key : dirty) out.add(new SimpleEntry<>(key, snapshot(key)));
        dirty.clear();
        return out;
    }

    private Object snapshot(String key) {
        if (key.startsWith(StatusRecords.REBUILD)) {
            RebuildStatus s = rebuilds.get(key.substring(StatusRecords.REBUILD.length()));
            return s == null ? null : s.record();
        }
        if (key.startsWith(StatusRecords.COMMAND)) return commands.get(key.substring(StatusRecords.COMMAND.length()));
        if (key.equals(StatusRecords.SUMMARY)) return history.summary();
        return new FiringAlerts(List.copyOf(firing.values()));
    }

    /** Records the system's first start, once. */
    public synchronized void started(Instant now) {
        if (history.started(now)) dirty.add(StatusRecords.SUMMARY);
    }

    /** Records a scheduled run the cool-down skipped. */
    public synchronized void skippedRun(SkippedRun run) {
        history.skipped(run);
        dirty.add(StatusRecords.SUMMARY);
    }

    /** Replaces the set of firing alerts; returns the alerts that started and the ones that ended. */
    public synchronized AlertChanges setFiring(List<ActiveAlert> active) {
        Map<String, ActiveAlert> now = new TreeMap<>();
        active.forEach(a -> now.put(a.identity(), a));
        List<ActiveAlert> started = now.values().stream().filter(a -> !firing.containsKey(a.identity())).toList();
        List<ActiveAlert> ended = firing.values().stream().filter(a -> !now.containsKey(a.identity())).toList();
        if (!started.isEmpty() || !ended.isEmpty()) {
            firing.clear();
            firing.putAll(now);
            dirty.add(StatusRecords.ALERTS);
        }
        return new AlertChanges(started, ended);
    }

    public record AlertChanges(List<ActiveAlert> started, List<ActiveAlert> ended) {}

    public synchronized List<ActiveAlert> firing() {
        return List.copyOf(firing.values());
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
        // held in memory only: it is stored once its first RebuildRequested is folded (a command whose
        // transaction aborts must not leave a rebuild "in progress" in the durable state for ever)
        if (!keys.isEmpty() && busy.size() < keys.size()) rebuilds.computeIfAbsent(rebuildId, RebuildStatus::new).requestedAt = now;
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

    /** Rebuilds still running past {@code limit} that no cancellation ended yet: the deadline's to end. */
    public synchronized List<RebuildStatus> overdue(Duration limit, Instant now) {
        return rebuilds.values().stream().filter(r -> r.result == null && !r.cancelledAll && r.requestedAt != null
                && !r.indices.isEmpty() && r.requestedAt.plus(limit).isBefore(now)).toList();
    }

    /** Marks a rebuild as being cancelled (before the event is folded back), so a deadline does not cancel it twice. */
    public synchronized void cancelling(String rebuildId, String reason, boolean all) {
        RebuildStatus s = rebuilds.get(rebuildId);
        if (s == null) return;
        s.cancelled = reason;
        s.cancelledAll |= all;
        dirty.add(StatusRecords.REBUILD + rebuildId);
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

    public synchronized Optional<CommandDecision> command(String commandId) {
        return Optional.ofNullable(commands.get(commandId));
    }

    /** The latest finished rebuilds, oldest first. */
    public synchronized List<Finished> history() {
        return history.recent();
    }

    /** Failed rebuilds since the last deployed one. */
    public synchronized int consecutiveFailures() {
        return history.consecutiveFailures();
    }

    public synchronized Optional<Finished> lastSuccess() {
        return history.lastSuccess();
    }

    public synchronized Optional<Finished> lastFailure() {
        return history.lastFailure();
    }

    public synchronized Optional<Instant> firstStartedAt() {
        return Optional.ofNullable(history.firstStartedAt());
    }

    public synchronized Optional<Instant> cooldownUntil(int maxFailures, Duration cooldown, Instant now) {
        return history.cooldownUntil(maxFailures, cooldown, now);
    }

    public synchronized Optional<SkippedRun> lastSkippedRun() {
        return history.lastSkippedRun();
    }

    public synchronized long skippedRuns() {
        return history.skippedRuns();
    }

    private void command(CommandResult c) {
        Map<String, String> coalesced = new LinkedHashMap<>();
        c.getCoalesced().forEach(x -> coalesced.put(x.getIndexKey(), x.getInRebuildId()));
        Map<String, String> skipped = new LinkedHashMap<>();
        c.getSkipped().forEach(x -> skipped.put(x.getIndexKey(), x.getReason()));
        commands.put(c.getCommandId(), new CommandDecision(c.getCommandId(), c.getRebuildId(), List.copyOf(c.getAcceptedKeys()),
                coalesced, skipped, c.getDecidedAt(), c.getRejectedReason()));
        dirty.add(StatusRecords.COMMAND + c.getCommandId());
        while (commands.size() > KEEP_COMMANDS) {
            String evicted = commands.keySet().iterator().next();
            commands.remove(evicted);
            dirty.add(StatusRecords.COMMAND + evicted);
        }
    }

    private RebuildStatus status(String rebuildId, String trigger, Instant requestedAt) {
        RebuildStatus s = rebuilds.computeIfAbsent(rebuildId, RebuildStatus::new);
        if (s.trigger == null || "UNKNOWN".equals(s.trigger)) s.trigger = trigger;
        if (s.requestedAt == null) s.requestedAt = requestedAt;
        dirty.add(StatusRecords.REBUILD + rebuildId);
        while (rebuilds.size() > KEEP_REBUILDS) {
            String evicted = rebuilds.keySet().iterator().next();
            rebuilds.remove(evicted);
            dirty.add(StatusRecords.REBUILD + evicted);
        }
        return s;
    }

    /** Moves an index forward (never back); once the rebuild has ended, an index still open ends with it. */
    /**
     * A running build's progress: kept in memory only (advisory, superseded every second; after a restart
     * the next report brings it back), and only while the index is still being built.
     */
    private void progressed(BuildProgress p) {
        RebuildStatus s = rebuilds.get(p.getRebuildId());
        IndexKey key = IndexKey.parse(p.getIndexKey());
        IndexStatus current = s == null ? null : s.indices.get(key);
        if (current == null || current.stage() != Stage.REQUESTED || s.result != null) return;
        s.progress.put(key, p);
    }

    /** The latest progress of each index being built now. */
    public synchronized Map<IndexKey, BuildProgress> buildsInProgress() {
        Map<IndexKey, BuildProgress> out = new TreeMap<>();
        for (RebuildStatus s : rebuilds.values()) if (s.result == null) out.putAll(s.progress);
        return out;
    }

    private void advance(RebuildStatus s, String indexKey, Stage stage, String detail, Instant at) {
        IndexKey key = IndexKey.parse(indexKey);
        IndexStatus current = s.indices.get(key);
        if (current != null && current.stage().rank > stage.rank) return;
        if (stage != Stage.REQUESTED) s.progress.remove(key);
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
        s.progress.clear();
        s.indices.replaceAll((k, st) -> st.stage().terminal() ? st
                : new IndexStatus(s.rebuildId, deployed ? Stage.DEPLOYED : Stage.NOT_DEPLOYED, detail, at));
        reservations.values().removeIf(s.rebuildId::equals);
        Finished f = new Finished(s.rebuildId, deployed, s.trigger == null ? "UNKNOWN" : s.trigger, seconds, at, detail);
        history.add(f);
        dirty.add(StatusRecords.SUMMARY);
        listeners.forEach(l -> l.accept(f));
    }

    private void sortByRequestTime() {
        List<RebuildStatus> sorted = new ArrayList<>(rebuilds.values());
        sorted.sort(java.util.Comparator.comparing((RebuildStatus r) -> r.requestedAt == null ? Instant.EPOCH : r.requestedAt)
                .thenComparing(r -> r.rebuildId));
        rebuilds.clear();
        sorted.forEach(r -> rebuilds.put(r.rebuildId, r));
        List<CommandDecision> cs = new ArrayList<>(commands.values());
        cs.sort(java.util.Comparator.comparing((CommandDecision c) -> c.decidedAt() == null ? Instant.EPOCH : c.decidedAt()));
        commands.clear();
        cs.forEach(c -> commands.put(c.commandId(), c));
    }
}
