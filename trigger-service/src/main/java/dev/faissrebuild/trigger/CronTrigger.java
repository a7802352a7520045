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
    private volatile CronSchedule schedule;
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

    /** A new rule (a config reload): the wait for the old rule's next run ends, and the new rule's is computed. */
    public void reschedule(CronSchedule next) {
        LOG.info("event=schedule_changed from=\"{}\" to=\"{}\"", schedule, next);
        schedule = next;
        nextRun = schedule.next(ZonedDateTime.now(clock.withZone(schedule.zone()))).orElse(null);
    }

    private void run() {
        while (running) {
            CronSchedule rule = schedule;
            ZonedDateTime now = ZonedDateTime.now(clock.withZone(rule.zone()));
            nextRun = rule.next(now).orElse(null);
            if (nextRun == null) return;
            LOG.info("event=schedule_next rule=\"{}\" at={}", rule, nextRun);
            if (!sleepUntil(nextRun, rule)) return;
            if (rule != schedule) continue; // rescheduled while waiting
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

    /** Waits until {@code at}; false when stopped. Returns early (true) when the rule is no longer {@code rule}. */
    private boolean sleepUntil(ZonedDateTime at, CronSchedule rule) {
        while (running) {
            if (rule != schedule) return true;
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
