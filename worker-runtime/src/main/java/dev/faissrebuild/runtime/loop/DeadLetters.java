package dev.faissrebuild.runtime.loop;

import dev.faissrebuild.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Dead-letter records: the original key and bytes, untouched, with where they came from and why they
 * could not be processed in headers, so an operator can inspect and replay them.
 */
public final class DeadLetters {
    public static final String REASON = "dlq.reason";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String WORKER = "dlq.worker";
    public static final String EVENT_TYPE = "dlq.event.type";
    public static final String AT = "dlq.at";

    private DeadLetters() {}

    static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> source, String worker, String eventType, String reason) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.DEAD_LETTER, source.key(), source.value());
        Headers h = r.headers();
        source.headers().forEach(h::add);
        put(h, REASON, reason);
        put(h, SOURCE_TOPIC, source.topic());
        put(h, SOURCE_PARTITION, String.valueOf(source.partition()));
        put(h, SOURCE_OFFSET, String.valueOf(source.offset()));
        put(h, WORKER, worker);
        put(h, EVENT_TYPE, eventType);
        put(h, AT, Instant.now().toString());
        return r;
    }

    /** A header's value as text, or null. */
    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers h, String name, String value) {
        h.remove(name);
        h.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
