package dev.faissrebuild.trigger;

import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.audit.AuditLog;
import dev.faissrebuild.runtime.config.ConfigReload;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.LiveSetHealth;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import dev.faissrebuild.runtime.schedule.CronSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The trigger service: the durable status view (restored from {@code faiss.rebuild.state}, folded
 * forward from the event log), the loop that turns commands and upstream events into rebuild
 * requests, the cron rule, the HTTP API, the rebuild metrics, and the alerts (for {@code /health} and
 * published on {@code faiss.alerts}). One instance runs (fixed transactional ids fence a second).
 */
public final class TriggerService {
    public static final String TRANSACTIONAL_ID = "faiss-rebuild-trigger";
    /** How often the alert rules are evaluated for {@code faiss.alerts}. */
    static final Duration ALERT_TICK = Duration.ofSeconds(2);
    /** How often rebuilds are checked against {@code scheduler.max_rebuild_duration_hours}. */
    static final Duration DEADLINE_TICK = Duration.ofSeconds(5);
    private final RebuildStatusView view;
    private final CronTrigger cron;

    private TriggerService(RebuildStatusView view, CronTrigger cron) {
        this.view = view;
        this.cron = cron;
    }

    public static TriggerService start(WorkerRuntime rt) throws InterruptedException {
        FaissRebuildConfig c = rt.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        RebuildStatusView view = new RebuildStatusView();
        RebuildMetrics metrics = RebuildMetrics.count(rt.registry(), view, c); // before folding: every rebuild that ends from now on counts
        AlertMonitor alerts = new AlertMonitor(view, now -> RebuildAlerts.active(view, layout, c, now), "trigger@" + rt.instanceId());
        FollowedView followed = rt.onClose(FollowedView.own(rt.kafka(), view, alerts, ALERT_TICK));
        rt.health().check("state", followed.log()::health);
        rt.health().check("live_set", new LiveSetHealth(layout, c.rebuild().keys())::check);
        view.started(Instant.now());
        metrics.gauges(view, layout, c);
        RebuildPlanner planner = new RebuildPlanner(view, c.rebuild().keys(), new EmbeddingsChanges(c.paths().embeddings(), layout)
                .withStored(dev.faissrebuild.store.StoredEmbeddings.configured(c).map(rt::onClose)),
                Clock.systemUTC(), Duration.ofHours(c.scheduler().maxRebuildDurationHours()), c.scheduler().maxConsecutiveFailures(),
                Duration.ofHours(c.scheduler().failureCooldownHours()));
        RebuildCancels cancels = new RebuildCancels(view, Clock.systemUTC(), Duration.ofHours(c.scheduler().maxRebuildDurationHours()));
        rt.run(WorkerSpec.of("trigger", List.of(Topics.REBUILD_COMMANDS, Topics.EMBEDDINGS_UPDATED),
                        new TriggerStep(planner, cancels, c.rebuild().requireValidationPass())).transactional(TRANSACTIONAL_ID));
        EventPublisher publisher = rt.onClose(new EventPublisher(rt.kafka(), "trigger-publisher"));
        rt.onClose(new RebuildDeadline(cancels, publisher).start(DEADLINE_TICK));
        CronTrigger cron = c.scheduler().enabled()
                ? rt.onClose(new CronTrigger(CronSchedule.parse(c.scheduler().rebuildSchedule(), c.scheduler().timezone()), planner, publisher,
                        Clock.systemUTC(), metrics::skippedByCooldown).start())
                : null;
        if (cron != null) {
            java.util.function.Consumer<FaissRebuildConfig> reschedule = next ->
                    cron.reschedule(CronSchedule.parse(next.scheduler().rebuildSchedule(), next.scheduler().timezone()));
            rt.reloads().onChange("scheduler.rebuild_schedule", reschedule).onChange("scheduler.timezone", reschedule);
        }
        TriggerService service = new TriggerService(view, cron);
        AuditLog audit = rt.onClose(AuditLog.open(c.paths().state(), rt.kafka()));
        new TriggerApi(publisher, view, () -> service.status(c, layout)).auditTo(audit::record).mount(rt.ops());
        rt.onRefusedRequest(r -> audit.record(AuditLog.Entry.now("http:" + r.remote(), r.method() + " " + r.path(), List.of(),
                "401 refused: " + r.reason())));
        rt.reloads().onOutcome((who, o) -> audit.record(AuditLog.Entry.now(who, "config reload", List.of(), ConfigReload.describe(o))));
        rt.health().alerts(() -> RebuildAlerts.active(view, layout, c, Instant.now()));
        return service;
    }

    public static List<String> viewTopics() {
        return List.of(Topics.REBUILD_REQUESTED, Topics.INDEX_BUILT, Topics.INDEX_VALIDATED, Topics.INDEX_DEPLOYED, Topics.COMMAND_RESULTS,
                Topics.CANCELLATIONS, Topics.BUILD_PROGRESS);
    }

    public RebuildStatusView view() {
        return view;
    }

    public StatusReport status(FaissRebuildConfig c, IndicesLayout layout) {
        return StatusReport.of(view, layout, c, cron == null || cron.nextRun() == null ? null : cron.nextRun().toString());
    }
}
