package dev.faissrebuild.trigger;

import dev.faissrebuild.events.CoalescedIndex;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.EmbeddingsUpdated;
import dev.faissrebuild.events.RebuildCommand;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.SkippedIndex;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a reason to rebuild (an operator's command, an upstream "embeddings updated" event, the cron
 * rule) into one RebuildRequested per index under one shared rebuild id. Indices already being rebuilt
 * are coalesced into that rebuild; unless forced, indices whose embeddings did not change are skipped,
 * and scheduled runs are skipped during a failure cool-down. What was decided is said (CommandResult).
 */
public final class RebuildPlanner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RebuildPlanner.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    private final RebuildStatusView view;
    private final List<IndexKey> configured;
    private final EmbeddingsChanges changes;
    private final Clock clock;
    private final Duration abandonedAfter;
    private final int maxConsecutiveFailures;
    private final Duration cooldown;

    /**
     * What was decided for one reason to rebuild.
     *
     * @param cooldownUntil set when a scheduled run was skipped by the failure cool-down
     */
    public record Plan(String rebuildId, List<IndexKey> accepted, Map<IndexKey, String> coalesced,
                       Map<IndexKey, String> skipped, List<Outgoing> events, Instant cooldownUntil) {}

    public RebuildPlanner(RebuildStatusView view, List<IndexKey> configured, EmbeddingsChanges changes, Clock clock,
                          Duration abandonedAfter, int maxConsecutiveFailures, Duration cooldown) {
        this.view = view;
        this.configured = configured;
        this.changes = changes;
        this.clock = clock;
        this.abandonedAfter = abandonedAfter;
        this.maxConsecutiveFailures = maxConsecutiveFailures;
        this.cooldown = cooldown;
    }

    public Plan command(RebuildCommand c) {
        List<IndexKey> keys = select(c.getHorizons(), c.getIndexTypes());
        TriggerType trigger = c.getTrigger() == TriggerType.API ? TriggerType.API : TriggerType.MANUAL;
        return plan(keys, new Ask(trigger, c.getRequestedBy(), c.getCommandId(), c.getForce(), true, c.getSkipValidation(), c.getExplore(), c.getFull()));
    }

    public Plan embeddingsUpdated(EmbeddingsUpdated e) {
        // answered like a command (CommandResult under its event id), so the upstream hears what became of it
        return plan(select(e.getHorizons(), List.of()), new Ask(TriggerType.EMBEDDINGS_UPDATED, e.getProducedBy(), e.getEventId(), false, false, false, false, false));
    }

    /**
     * The cron rule's run: every configured index, unless the failure cool-down is on
     * ({@code max_consecutive_failures} failed rebuilds in a row, for {@code failure_cooldown_hours}
     * after the last): then nothing starts, and the skipped run is recorded in the view (status, API).
     */
    public Plan scheduled() {
        Instant now = clock.instant();
        var until = view.cooldownUntil(maxConsecutiveFailures, cooldown, now);
        if (until.isPresent()) {
            String why = view.consecutiveFailures() + " consecutive failed rebuilds; cooling down until " + until.get();
            view.skippedRun(new StatusRecords.SkippedRun(now, why, until.get()));
            Map<IndexKey, String> skipped = new LinkedHashMap<>();
            configured.forEach(k -> skipped.put(k, why));
            return new Plan(null, List.of(), Map.of(), skipped, List.of(), until.get());
        }
        return plan(configured, new Ask(TriggerType.SCHEDULED, "scheduler", null, false, false, false, false, false));
    }

    /**
     * Who asks, and how: {@code commandId} is answered with a CommandResult; {@code answer} adds operator
     * hints to skip reasons; {@code skipValidation} travels to the validator with each request, {@code explore} and {@code full} to the builder.
     */
    private record Ask(TriggerType trigger, String by, String commandId, boolean force, boolean answer, boolean skipValidation,
                       boolean explore, boolean full) {}

    private Plan plan(List<IndexKey> keys, Ask ask) {
        Instant now = clock.instant();
        boolean force = ask.force();
        boolean answer = ask.answer();
        String commandId = ask.commandId();
        Map<IndexKey, String> skipped = new LinkedHashMap<>();
        List<IndexKey> wanted = new ArrayList<>();
        for (IndexKey k : keys) {
            var unchanged = force ? java.util.Optional.<String>empty() : changes.unchanged(k);
            if (unchanged.isPresent()) skipped.put(k, unchanged.get() + (answer ? "; use --force to rebuild anyway" : ""));
            else wanted.add(k);
        }
        wanted = wholeHorizons(wanted);
        String rebuildId = newRebuildId(now);
        Map<IndexKey, String> coalesced = view.reserve(wanted, rebuildId, now, abandonedAfter);
        List<IndexKey> accepted = wanted.stream().filter(k -> !coalesced.containsKey(k)).toList();
        List<Outgoing> events = new ArrayList<>();
        List<String> rebuildKeys = accepted.stream().map(IndexKey::toString).toList();
        for (IndexKey k : accepted) {
            events.add(new Outgoing(Topics.REBUILD_REQUESTED, k.toString(), RebuildRequested.newBuilder()
                    .setRebuildId(rebuildId).setIndexKey(k.toString()).setHorizonHours(k.horizon().hours())
                    .setIndexType(k.type().code()).setTrigger(ask.trigger()).setCommandId(commandId).setRequestedBy(ask.by())
                    .setRequestedAt(now).setForce(force).setRebuildKeys(rebuildKeys).setFactory(null)
                    .setSkipValidation(ask.skipValidation()).setExplore(ask.explore()).setFull(ask.full()).build()));
        }
        if (commandId != null) events.add(new Outgoing(Topics.COMMAND_RESULTS, commandId, result(commandId, accepted.isEmpty() ? null : rebuildId,
                accepted, coalesced, skipped, now)));
        return new Plan(accepted.isEmpty() ? null : rebuildId, accepted, coalesced, skipped, events, null);
    }

    /**
     * A horizon's indices come from one embeddings file (the forecasting service searches both with the
     * same query vector): when an index is rebuilt and its sibling's embeddings changed since the live
     * sibling was built (a new file, perhaps of another dimension), the sibling is rebuilt too; the
     * deployer refuses a generation that would mix them anyway.
     */
    private List<IndexKey> wholeHorizons(List<IndexKey> wanted) {
        List<IndexKey> out = new ArrayList<>(wanted);
        for (IndexKey k : wanted) {
            IndexKey sibling = k.sibling();
            if (configured.contains(sibling) && !out.contains(sibling) && changes.changedSinceLive(sibling)) {
                out.add(sibling);
                LOG.info("event=sibling_added index={} because_of={} reason=\"the embeddings of {} changed since its live index was built; "
                        + "a horizon's indices are rebuilt together\"", sibling, k, sibling.horizon().label());
            }
        }
        return out.stream().sorted().toList();
    }

    private List<IndexKey> select(List<Integer> horizons, List<String> types) {
        List<Horizon> hs = horizons.isEmpty() ? null : horizons.stream().map(Horizon::ofHours).toList();
        List<IndexType> ts = types.isEmpty() ? null : types.stream().map(IndexType::parse).toList();
        return configured.stream().filter(k -> hs == null || hs.contains(k.horizon())).filter(k -> ts == null || ts.contains(k.type())).toList();
    }

    /** What a refused command or event is told: nothing was planned, and why. */
    public static CommandResult rejected(String commandId, String reason, Instant now) {
        return CommandResult.newBuilder().setCommandId(commandId).setRebuildId(null).setAcceptedKeys(List.of()).setCoalesced(List.of())
                .setSkipped(List.of()).setRejectedReason(reason).setDecidedAt(now).build();
    }

    private static CommandResult result(String commandId, String rebuildId, List<IndexKey> accepted, Map<IndexKey, String> coalesced,
                                        Map<IndexKey, String> skipped, Instant now) {
        return CommandResult.newBuilder().setCommandId(commandId).setRebuildId(rebuildId)
                .setAcceptedKeys(accepted.stream().map(IndexKey::toString).toList())
                .setCoalesced(coalesced.entrySet().stream().map(e -> CoalescedIndex.newBuilder().setIndexKey(e.getKey().toString())
                        .setInRebuildId(e.getValue()).build()).toList())
                .setSkipped(skipped.entrySet().stream().map(e -> SkippedIndex.newBuilder().setIndexKey(e.getKey().toString())
                        .setReason(e.getValue()).build()).toList())
                .setDecidedAt(now).build();
    }

    /** {@code r20261124T193501-a1b2c3}: sortable, readable, unique, and safe as a directory name. */
    static String newRebuildId(Instant now) {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return "r" + ID_TIME.format(now) + "-" + HexFormat.of().formatHex(b);
    }
}
