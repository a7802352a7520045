package dev.faissrebuild.trigger;

import static dev.faissrebuild.trigger.RebuildPlannerTest.failed;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.schedule.CronSchedule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A scheduled run the failure cool-down skips says so: in the log, the status, the metric. */
class CooldownTest {
    @TempDir Path dir;

    @Test
    void aSkippedScheduledRunIsLoggedCountedAndShownInTheStatus() throws Exception {
        FaissRebuildConfig config = ConfigLoader.defaults();
        RebuildStatusView view = new RebuildStatusView();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // events carry milliseconds
        for (int i = 0; i < 3; i++) view.fold(failed("r" + i, now.minusSeconds(60 - i)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RebuildMetrics metrics = RebuildMetrics.count(registry, view, config);
        IndicesLayout layout = new IndicesLayout(dir.resolve("indices"));
        metrics.gauges(view, layout, config);
        // a clock shifted so that the next whole minute (the cron rule's next run) is 1.5 s away
        Instant nextMinute = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(now, nextMinute).minusMillis(1500));
        RebuildPlanner planner = new RebuildPlanner(view, IndexKey.all(), new EmbeddingsChanges(dir.resolve("embeddings"), layout), clock,
                Duration.ofHours(4), 3, Duration.ofHours(24));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(CronTrigger.class)).addAppender(log);
        // no publisher: a skipped run publishes nothing (a run that started would fail here)
        try (CronTrigger cron = new CronTrigger(CronSchedule.parse("* * * * *", "UTC"), planner, null, clock, metrics::skippedByCooldown).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (view.lastSkippedRun().isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
        }
        assertThat(view.lastSkippedRun()).hasValueSatisfying(r -> assertThat(r.reason()).contains("3 consecutive failed rebuilds"));
        assertThat(registry.get("faiss_rebuild_skipped").tag("reason", "cooldown").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("faiss_rebuild_cooldown_remaining_seconds").gauge().value()).isGreaterThan(23 * 3600.0);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).startsWith("event=scheduled_run_skipped reason=cooldown cooldown_until="));
        StatusReport report = StatusReport.of(view, layout, config, null);
        assertThat(report.cooldown().active()).isTrue();
        assertThat(report.cooldown().until()).isEqualTo(now.minusSeconds(58).plus(Duration.ofHours(24)));
        assertThat(report.cooldown().lastSkippedRun()).isNotNull();
        assertThat(report.cooldown().skippedRuns()).isEqualTo(1);
    }
}
