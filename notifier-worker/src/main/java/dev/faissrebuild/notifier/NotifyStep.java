package dev.faissrebuild.notifier;

import dev.faissrebuild.runtime.loop.EventProcessor;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.util.List;

/**
 * The notifier's logic: every outcome and alert, turned into a notification and sent to each channel
 * at or above its minimum severity. A channel that throws makes the loop retry the record (with
 * backoff); a record whose channels keep failing is dead-lettered, not lost.
 */
public final class NotifyStep implements EventProcessor {
    private final List<Channel> channels;
    private final Notification.Severity minSeverity;

    public NotifyStep(List<Channel> channels, Notification.Severity minSeverity) {
        this.channels = List.copyOf(channels);
        this.minSeverity = minSeverity;
    }

    @Override
    public List<Outgoing> process(Incoming in) throws Exception {
        var n = Notifications.of(in.event());
        if (n.isEmpty()) return List.of();
        for (Channel c : channels) {
            if (c instanceof LogChannel || n.get().severity().compareTo(minSeverity) >= 0) c.send(n.get());
        }
        return List.of();
    }
}
