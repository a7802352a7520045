package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.schedule.CronSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fires scheduled rebuilds on the cron rule, in its time zone. One trigger service runs it. */
public final class CronTrigger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CronTrigger.class);
    private final CronSchedule schedule;
    private final RebuildPlanner planner;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Runnable onSkipped;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile ZonedDateTime nextRun;

    /** @param onSkipped told of every run the failure cool-down skipped (the metric) */
    public CronTrigger(CronSchedule schedule, RebuildPlanner planner, EventPublisher publisher, Clock clock, Runnable onSkipped) {
        this.schedule = schedule;
        this.onSkipped = onSkipped;
        this.planner = planner;
        this.publisher = publisher;
        this.clock = clock;
        this.thread = Thread.ofPlatform().daemon().name("cron").unstarted(this::run);
    }

    public CronTrigger start() {
        thread.start();
        return this;
    }

    public ZonedDateTime nextRun() {
        return nextRun;
    }

    private void run() {
        while (running) {
            ZonedDateTime now = ZonedDateTime.now(clock.withZone(schedule.zone()));
            nextRun = schedule.next(now).orElse(null);
            if (nextRun == null) return;
            LOG.info("event=schedule_next rule=\"{}\" at={}", schedule, nextRun);
            if (!sleepUntil(nextRun)) return;
            try {
                RebuildPlanner.Plan plan = planner.scheduled();
                if (plan.cooldownUntil() != null) {
                    onSkipped.run();
                    LOG.warn("event=scheduled_run_skipped reason=cooldown cooldown_until={} detail=\"{}\"", plan.cooldownUntil(),
                            plan.skipped().values().stream().findFirst().orElse(""));
                    continue;
                }
                publisher.publish(plan.events());
                TriggerStep.log("schedule", plan);
            } catch (RuntimeException e) {
                LOG.error("event=scheduled_rebuild_failed error=\"{}\"", e.toString(), e);
            }
        }
    }

    private boolean sleepUntil(ZonedDateTime at) {
        while (running) {
            long ms = Duration.between(clock.instant(), at.toInstant()).toMillis();
            if (ms <= 0) return true;
            try {
                Thread.sleep(Math.min(ms, 1_000));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
