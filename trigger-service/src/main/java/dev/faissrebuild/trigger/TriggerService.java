package dev.faissrebuild.trigger;

import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import dev.faissrebuild.runtime.schedule.CronSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The trigger service: the status view (folded from the log), the loop that turns commands and
 * upstream events into rebuild requests, the cron rule, the HTTP API, and the rebuild metrics and
 * alerts. One instance runs (a fixed transactional id fences a second).
 */
public final class TriggerService {
    public static final String TRANSACTIONAL_ID = "faiss-rebuild-trigger";
    private final RebuildStatusView view;
    private final CronTrigger cron;

    private TriggerService(RebuildStatusView view, CronTrigger cron) {
        this.view = view;
        this.cron = cron;
    }

    public static TriggerService start(WorkerRuntime rt) throws InterruptedException {
        FaissRebuildConfig c = rt.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        RebuildStatusView view = rt.onClose(FollowedView.open(rt.kafka(), "trigger")).view();
        RebuildMetrics.bind(rt.registry(), view, layout);
        RebuildPlanner planner = new RebuildPlanner(view, c.rebuild().keys(), new EmbeddingsChanges(c.paths().embeddings(), layout),
                Clock.systemUTC(), Duration.ofHours(c.scheduler().maxRebuildDurationHours()), c.scheduler().maxConsecutiveFailures(),
                Duration.ofHours(c.scheduler().failureCooldownHours()));
        rt.run(WorkerSpec.of("trigger", List.of(Topics.REBUILD_COMMANDS, Topics.EMBEDDINGS_UPDATED), new TriggerStep(planner))
                .transactional(TRANSACTIONAL_ID));
        EventPublisher publisher = rt.onClose(new EventPublisher(rt.kafka(), "trigger-publisher"));
        CronTrigger cron = c.scheduler().enabled()
                ? rt.onClose(new CronTrigger(CronSchedule.parse(c.scheduler().rebuildSchedule(), c.scheduler().timezone()), planner, publisher,
                        Clock.systemUTC()).start())
                : null;
        TriggerService service = new TriggerService(view, cron);
        new TriggerApi(publisher, view, () -> service.status(c, layout)).mount(rt.ops());
        rt.health().alerts(() -> RebuildAlerts.active(view, layout, c, Instant.now()));
        return service;
    }

    public static List<String> viewTopics() {
        return List.of(Topics.REBUILD_REQUESTED, Topics.INDEX_BUILT, Topics.INDEX_VALIDATED, Topics.INDEX_DEPLOYED, Topics.COMMAND_RESULTS);
    }

    public RebuildStatusView view() {
        return view;
    }

    public StatusReport status(FaissRebuildConfig c, IndicesLayout layout) {
        return StatusReport.of(view, layout, c, cron == null || cron.nextRun() == null ? null : cron.nextRun().toString());
    }
}
