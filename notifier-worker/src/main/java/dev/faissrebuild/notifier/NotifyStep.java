package dev.faissrebuild.notifier;

import dev.faissrebuild.runtime.loop.EventProcessor;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The notifier's logic: every outcome and alert, turned into a notification and sent to each channel
 * (the log always; the others at or above the minimum severity). A channel that fails makes the whole
 * record fail, so the loop retries it with backoff and dead-letters it when retries run out: a
 * notification is never lost silently. Channels that already delivered a record are remembered, so a
 * retry does not post twice to Slack because email was down.
 */
public final class NotifyStep implements EventProcessor {
    private static final int REMEMBERED = 10_000;
    /** sent; failed (the loop retries); suppressed (below notifications.min_severity, or under the log level). */
    private static final List<String> OUTCOMES = List.of("sent", "failed", "suppressed");
    private final List<Channel> channels;
    private final Notification.Severity minSeverity;
    private final MeterRegistry registry;
    private final Set<String> delivered = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    }));

    public NotifyStep(List<Channel> channels, Notification.Severity minSeverity, MeterRegistry registry) {
        this.channels = List.copyOf(channels);
        this.minSeverity = minSeverity;
        this.registry = registry;
        for (Channel c : channels) {
            for (String outcome : OUTCOMES) counter(c, outcome); // every series at 0 from start-up
        }
    }

    /** Some channels could not deliver; the message names each and why. */
    public static final class ChannelFailure extends Exception {
        ChannelFailure(String message) {
            super(message);
        }
    }

    @Override
    public List<Outgoing> process(Incoming in) throws ChannelFailure {
        var n = Notifications.of(in.event());
        if (n.isEmpty()) return List.of();
        String record = in.topic() + "/" + in.partition() + "/" + in.offset();
        List<String> failed = new ArrayList<>();
        for (Channel c : channels) {
            if (delivered.contains(record + "|" + c.name())) continue;
            boolean belowMinimum = !(c instanceof LogChannel) && n.get().severity().compareTo(minSeverity) < 0;
            if (belowMinimum || !c.delivers(n.get())) {
                count(c, "suppressed");
                delivered.add(record + "|" + c.name());
                continue;
            }
            try {
                c.send(n.get());
                delivered.add(record + "|" + c.name());
                count(c, "sent");
            } catch (Exception e) {
                count(c, "failed");
                failed.add(c.name() + ": " + e);
            }
        }
        if (!failed.isEmpty()) throw new ChannelFailure("notification " + n.get().kind() + " not delivered by " + String.join("; ", failed));
        return List.of();
    }

    private void count(Channel c, String outcome) {
        counter(c, outcome).increment();
    }

    private Counter counter(Channel c, String outcome) {
        return Counter.builder("faiss_notifications").description("Notifications by channel and outcome (sent, failed, suppressed)")
                .tag("channel", c.name()).tag("outcome", outcome).register(registry);
    }
}
