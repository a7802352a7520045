package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.TopicView;
import java.time.Duration;

/** A {@link RebuildStatusView} fed by the event log, caught up before it is handed out (the trigger and the CLI's status). */
public record FollowedView(RebuildStatusView view, TopicView log) implements AutoCloseable {

    public static FollowedView open(KafkaSettings kafka, String name) throws InterruptedException {
        RebuildStatusView view = new RebuildStatusView();
        TopicView log = TopicView.follow(name, kafka, TriggerService.viewTopics(), in -> view.fold(in.event()));
        if (!log.awaitCaughtUp(Duration.ofSeconds(60))) {
            log.close();
            throw new IllegalStateException("the event log at " + kafka.bootstrapServers() + " could not be read within 60 s");
        }
        return new FollowedView(view, log);
    }

    @Override
    public void close() {
        log.close();
    }
}
