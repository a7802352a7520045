package dev.faissrebuild.cli;

import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;

/**
 * Tells the running system that an operator changed the live set (a rollback or a restore): a
 * RolledBack event on {@code faiss.index.deployed}, for readers, the status view and notifications.
 * Best effort by design: these are emergency tools that must work while the system is down, so an
 * unreachable Kafka is reported and the change on disk stands (readers without Kafka follow
 * {@code indices/current} itself).
 */
final class LiveSetEvents {
    /** Short timeouts: a broker that is down should cost seconds, not the client's default minute. */
    private static final Map<String, String> QUICK = Map.of("max.block.ms", "5000", "request.timeout.ms", "5000",
            "delivery.timeout.ms", "10000");

    private LiveSetEvents() {}

    static void publish(FaissRebuildConfig c, RolledBack event, PrintWriter out) {
        try {
            KafkaSettings configured = Connection.kafka(c);
            Map<String, String> props = new HashMap<>(QUICK);
            props.putAll(configured.extra()); // the operator's own settings win
            try (EventPublisher publisher = new EventPublisher(new KafkaSettings(configured.bootstrapServers(), props), "cli-live-set")) {
                publisher.publish(List.of(new Outgoing(Topics.INDEX_DEPLOYED, event.getRollbackId(), event)));
            }
            out.printf("RolledBack event %s published to %s%n", event.getRollbackId(), Topics.INDEX_DEPLOYED);
        } catch (UserError | IllegalStateException | KafkaException e) {
            out.printf("note: Kafka is not reachable, so no RolledBack event was published (%s); the change on disk is done%n", e.getMessage());
        }
        out.flush();
    }
}
