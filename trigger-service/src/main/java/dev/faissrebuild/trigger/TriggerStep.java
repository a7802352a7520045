package dev.faissrebuild.trigger;

import dev.faissrebuild.events.CancelRebuild;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.EmbeddingsUpdated;
import dev.faissrebuild.events.RebuildCommand;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.loop.EventProcessor;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.loop.PermanentFailure;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger's logic for events: operators' commands and upstream "embeddings updated" into rebuild
 * requests; operators' cancels into cancellations.
 */
public final class TriggerStep implements EventProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerStep.class);
    private final RebuildPlanner planner;
    private final RebuildCancels cancels;
    private final boolean validationRequired;

    /** @param validationRequired {@code rebuild.require_validation_pass}: a command may not skip the quality gates */
    public TriggerStep(RebuildPlanner planner, RebuildCancels cancels, boolean validationRequired) {
        this.planner = planner;
        this.cancels = cancels;
        this.validationRequired = validationRequired;
    }

    @Override
    public List<Outgoing> process(Incoming in) throws PermanentFailure {
        if (in.event() instanceof CancelRebuild c) return cancel(c);
        RebuildPlanner.Plan plan;
        try {
            plan = switch (in.event()) {
                case RebuildCommand c when c.getSkipValidation() && validationRequired -> throw new PermanentFailure(
                        "--skip-validation is refused: rebuild.require_validation_pass is true, so every index must pass its quality gates; "
                                + "set it to false to allow rebuilds that skip them");
                case RebuildCommand c -> planner.command(c);
                case EmbeddingsUpdated e -> planner.embeddingsUpdated(e);
                default -> throw new PermanentFailure("trigger does not handle " + in.event().getSchema().getName());
            };
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("invalid " + in.event().getSchema().getName() + ": " + e.getMessage(), e);
        }
        log(in.event().getSchema().getName(), plan);
        return plan.events();
    }

    private List<Outgoing> cancel(CancelRebuild c) throws PermanentFailure {
        List<Outgoing> out;
        try {
            out = cancels.cancel(c);
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("invalid CancelRebuild: " + e.getMessage(), e);
        }
        CommandResult answer = (CommandResult) out.getLast().event();
        if (answer.getRejectedReason() != null) {
            LOG.warn("event=cancel_refused cancel={} rebuild={} by={} reason=\"{}\"", c.getCancelId(), c.getRebuildId(), c.getRequestedBy(),
                    answer.getRejectedReason());
        } else {
            LOG.info("event=rebuild_cancelling cancel={} rebuild={} indices={} by={}", c.getCancelId(), c.getRebuildId(),
                    answer.getAcceptedKeys(), c.getRequestedBy());
        }
        return out;
    }

    /** A refused command or upstream event is answered: a CommandResult saying it was rejected and why. */
    @Override
    public List<Outgoing> onDeadLetter(Incoming in, String reason) {
        String id = switch (in.event()) {
            case RebuildCommand c -> c.getCommandId();
            case EmbeddingsUpdated e -> e.getEventId();
            case CancelRebuild c -> c.getCancelId();
            default -> null;
        };
        if (id == null || id.isBlank()) return List.of();
        return List.of(new Outgoing(Topics.COMMAND_RESULTS, id, RebuildPlanner.rejected(id, reason, java.time.Instant.now())));
    }

    static void log(String cause, RebuildPlanner.Plan plan) {
        LOG.info("event=rebuild_planned cause={} rebuild={} accepted={} coalesced={} skipped={}", cause,
                plan.rebuildId() == null ? "none" : plan.rebuildId(), plan.accepted(), plan.coalesced().keySet(), plan.skipped().keySet());
    }
}
