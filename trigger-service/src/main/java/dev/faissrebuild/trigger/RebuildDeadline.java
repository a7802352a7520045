package dev.faissrebuild.trigger;

import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code scheduler.max_rebuild_duration_hours} enforced: every few seconds, rebuilds still undecided past
 * the limit are cancelled (the deployer then ends each with a DeployFailed naming its pending indices).
 * Without it a rebuild whose worker vanished would hold its indices until someone noticed.
 */
public final class RebuildDeadline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RebuildDeadline.class);
    private final RebuildCancels cancels;
    private final EventPublisher publisher;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("deadline").factory());

    public RebuildDeadline(RebuildCancels cancels, EventPublisher publisher) {
        this.cancels = cancels;
        this.publisher = publisher;
    }

    public RebuildDeadline start(Duration every) {
        timer.scheduleWithFixedDelay(this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            List<Outgoing> overdue = cancels.overdue();
            if (overdue.isEmpty()) return;
            publisher.publish(overdue);
            for (Outgoing o : overdue) {
                RebuildCancelled c = (RebuildCancelled) o.event();
                LOG.warn("event=rebuild_deadline_exceeded rebuild={} indices={} reason=\"{}\"", c.getRebuildId(), c.getRebuildKeys(), c.getReason());
            }
        } catch (RuntimeException e) {
            LOG.error("event=rebuild_deadline_failed error=\"{}\"", e.toString(), e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
