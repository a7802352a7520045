package dev.faissrebuild.runtime.kafka;

import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes events that have no input record to commit with (the cron rule, the HTTP API, the CLI):
 * an idempotent producer, and {@link #publish} returns only once the broker has every event.
 */
public final class EventPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final EventSerde serde = EventSerde.standard();

    public EventPublisher(KafkaSettings kafka, String clientId) {
        this.producer = new KafkaProducer<>(kafka.producer(clientId, null));
    }

    public synchronized void publish(List<Outgoing> events) {
        try {
            List<java.util.concurrent.Future<?>> sent = events.stream()
                    .<java.util.concurrent.Future<?>>map(e -> producer.send(new ProducerRecord<>(e.topic(), e.key(), serde.encode(e.event()))))
                    .toList();
            for (var f : sent) f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to Kafka: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }

    /** Fire and forget, for advisory events (progress): never blocks the caller, a failure is logged once per event. */
    public void publishAsync(Outgoing e) {
        producer.send(new ProducerRecord<>(e.topic(), e.key(), serde.encode(e.event())), (meta, error) -> {
            if (error != null) org.slf4j.LoggerFactory.getLogger(EventPublisher.class)
                    .warn("event=advisory_publish_failed topic={} key={} error=\"{}\"", e.topic(), e.key(), error.toString());
        });
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
