package dev.faissrebuild.trigger;

import dev.faissrebuild.events.CancelRebuild;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends rebuilds: an operator's {@link CancelRebuild}, or a rebuild still undecided after
 * {@code scheduler.max_rebuild_duration_hours}, becomes one {@link RebuildCancelled} on
 * {@code faiss.rebuild.cancellations}; builders and validators kill and skip its work, the deployer
 * ends it without deploying. The trigger decides because it alone knows every rebuild (its view);
 * a cancel of a rebuild that already ended is refused, saying how it ended.
 */
public final class RebuildCancels {
    private final RebuildStatusView view;
    private final Clock clock;
    private final Duration maxDuration;

    public RebuildCancels(RebuildStatusView view, Clock clock, Duration maxDuration) {
        this.view = view;
        this.clock = clock;
        this.maxDuration = maxDuration;
    }

    /** The events answering an operator's cancel: the cancellation and its CommandResult, or only a refusal. */
    public List<Outgoing> cancel(CancelRebuild c) {
        Instant now = clock.instant();
        String refusal = refusal(c);
        if (refusal != null) return List.of(answer(RebuildPlanner.rejected(c.getCancelId(), refusal, now)));
        RebuildStatus s = view.rebuild(c.getRebuildId()).orElseThrow();
        String reason = "cancelled by " + c.getRequestedBy() + (c.getReason().isBlank() ? "" : ": " + c.getReason());
        List<String> cancelled = c.getIndexKeys().isEmpty() ? keys(s) : c.getIndexKeys().stream().map(k -> IndexKey.parse(k).toString()).toList();
        CommandResult accepted = CommandResult.newBuilder().setCommandId(c.getCancelId()).setRebuildId(s.rebuildId)
                .setAcceptedKeys(cancelled).setCoalesced(List.of()).setSkipped(List.of()).setRejectedReason(null).setDecidedAt(now).build();
        return List.of(cancellation(s, c.getIndexKeys().isEmpty() ? List.of() : cancelled, reason, c.getCancelId(), now), answer(accepted));
    }

    /** Rebuilds past {@code max_rebuild_duration_hours}: each is ended once, naming the limit. */
    public List<Outgoing> overdue() {
        Instant now = clock.instant();
        List<Outgoing> out = new ArrayList<>();
        for (RebuildStatus s : view.overdue(maxDuration, now)) {
            String reason = "still undecided after scheduler.max_rebuild_duration_hours = " + maxDuration.toHours() + " h (requested at "
                    + s.requestedAt + ")";
            out.add(cancellation(s, List.of(), reason, null, now));
        }
        return out;
    }

    private String refusal(CancelRebuild c) {
        var found = view.rebuild(c.getRebuildId());
        if (found.isEmpty() || found.get().indices.isEmpty()) return "no rebuild " + c.getRebuildId() + " is known";
        RebuildStatus s = found.get();
        if ("deployed".equals(s.result)) return "rebuild " + s.rebuildId + " already deployed generation " + s.generationId
                + "; to undo it, use: faiss-rebuild rollback";
        if (s.result != null) return "rebuild " + s.rebuildId + " already ended: " + s.result + (s.resultDetail == null ? "" : " (" + s.resultDetail + ")");
        if (s.cancelledAll) return "rebuild " + s.rebuildId + " is already being cancelled: " + s.cancelled;
        for (String k : c.getIndexKeys()) {
            IndexKey key;
            try {
                key = IndexKey.parse(k);
            } catch (IllegalArgumentException e) {
                return "--index " + k + ": " + e.getMessage();
            }
            if (!s.indices.containsKey(key)) return "rebuild " + s.rebuildId + " does not build " + k + "; it builds " + keys(s);
        }
        return null;
    }

    private Outgoing cancellation(RebuildStatus s, List<String> indexKeys, String reason, String cancelId, Instant now) {
        view.cancelling(s.rebuildId, reason, indexKeys.isEmpty());
        RebuildCancelled event = RebuildCancelled.newBuilder().setRebuildId(s.rebuildId).setIndexKeys(indexKeys).setRebuildKeys(keys(s))
                .setTrigger(trigger(s)).setRequestedAt(s.requestedAt == null ? now : s.requestedAt).setReason(reason)
                .setCancelId(cancelId).setCommandId(s.commandId).setCancelledAt(now).build();
        return new Outgoing(Topics.CANCELLATIONS, s.rebuildId, event);
    }

    private static Outgoing answer(CommandResult r) {
        return new Outgoing(Topics.COMMAND_RESULTS, r.getCommandId(), r);
    }

    private static List<String> keys(RebuildStatus s) {
        return s.indices.keySet().stream().map(IndexKey::toString).toList();
    }

    private static TriggerType trigger(RebuildStatus s) {
        try {
            return s.trigger == null ? TriggerType.UNKNOWN : TriggerType.valueOf(s.trigger);
        } catch (IllegalArgumentException e) {
            return TriggerType.UNKNOWN;
        }
    }
}
