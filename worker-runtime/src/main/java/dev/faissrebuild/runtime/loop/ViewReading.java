package dev.faissrebuild.runtime.loop;

import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.UndecodableEventException;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every view (a consumer that folds topics into state, without a group) does the same way. */
public final class ViewReading {
    private static final Logger LOG = LoggerFactory.getLogger(ViewReading.class);

    private ViewReading() {}

    /** True once the consumer's position is at least {@code end} on every partition. */
    public static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }

    /**
     * Decodes a record and folds it. An undecodable one is skipped (the worker that consumes the topic
     * dead-letters it); a fold that throws is logged and the view goes on.
     */
    public static void fold(EventSerde serde, ConsumerRecord<String, byte[]> r, Consumer<Incoming> fold, String view) {
        try {
            fold.accept(new Incoming(r.topic(), r.partition(), r.offset(), r.key(), serde.decode(r.value())));
        } catch (UndecodableEventException e) {
            LOG.debug("event=view_skipped view={} topic={} offset={} reason=\"{}\"", view, r.topic(), r.offset(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("event=view_fold_failed view={} topic={} offset={} error=\"{}\"", view, r.topic(), r.offset(), e.toString());
        }
    }
}
