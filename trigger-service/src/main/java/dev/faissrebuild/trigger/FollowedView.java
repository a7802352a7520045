package dev.faissrebuild.trigger;

import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.state.DurableView;
import java.time.Duration;

/**
 * A {@link RebuildStatusView} restored from the trigger's state topic and folded forward from the
 * event log, caught up before it is handed out. The trigger owns it (writes it back, publishes alert
 * transitions); the CLI's {@code status} only reads it.
 */
public record FollowedView(RebuildStatusView view, DurableView log) implements AutoCloseable {
    /** The trigger's state writer: one at a time; a second trigger fences the first. */
    public static final String STATE_TRANSACTIONAL_ID = "faiss-rebuild-trigger-state";
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    /** A read-only copy, as the CLI's status reads it. */
    public static FollowedView open(KafkaSettings kafka, String name) throws InterruptedException {
        RebuildStatusView view = new RebuildStatusView();
        return caughtUp(view, DurableView.read(name, kafka, Topics.REBUILD_STATE, TriggerService.viewTopics(), new StatusState(view, null)), kafka);
    }

    /** The owner's view: it writes the state back and publishes what {@code alerts} decides on every tick. */
    static FollowedView own(KafkaSettings kafka, RebuildStatusView view, AlertMonitor alerts, Duration tick) throws InterruptedException {
        return caughtUp(view, DurableView.own("trigger", kafka, Topics.REBUILD_STATE, TriggerService.viewTopics(),
                new StatusState(view, alerts), STATE_TRANSACTIONAL_ID, tick), kafka);
    }

    private static FollowedView caughtUp(RebuildStatusView view, DurableView log, KafkaSettings kafka) throws InterruptedException {
        if (!log.awaitCaughtUp(CATCH_UP)) {
            String why = log.health().detail();
            log.close();
            throw new IllegalStateException("the rebuild state at " + kafka.bootstrapServers() + " could not be read within "
                    + CATCH_UP.toSeconds() + " s (" + why + ")");
        }
        return new FollowedView(view, log);
    }

    @Override
    public void close() {
        log.close();
    }
}
