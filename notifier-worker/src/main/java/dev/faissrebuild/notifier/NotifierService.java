package dev.faissrebuild.notifier;

import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.WorkerMain;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import java.util.List;

/** The notifier worker: outcomes and alerts to the configured channels (log, Slack, email, webhooks). The log channel is always on. */
public final class NotifierService {
    private NotifierService() {}

    public static void start(WorkerRuntime rt) {
        FaissRebuildConfig c = rt.config();
        List<Channel> channels = Channels.from(c, System::getenv);
        rt.run(WorkerSpec.of("notifier", List.of(Topics.INDEX_BUILT, Topics.INDEX_VALIDATED, Topics.INDEX_DEPLOYED, Topics.CANCELLATIONS, Topics.ALERTS),
                new NotifyStep(channels, Notification.Severity.valueOf(c.notifications().minSeverity()), rt.registry())));
    }

    public static void main(String[] args) throws Exception {
        WorkerMain.run("notifier", args, NotifierService::start);
    }
}
