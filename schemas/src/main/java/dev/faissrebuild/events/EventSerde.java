package dev.faissrebuild.events;

import org.apache.avro.specific.SpecificRecord;

/**
 * Turns events into Kafka record values and back. Workers depend on this interface only, so the
 * registry-free {@link #standard()} implementation can later give way to a schema-registry one.
 * Implementations are thread-safe.
 */
public interface EventSerde {

    /** Avro single-object encoding; reads every released version of every event. Shared, built once. */
    static EventSerde standard() {
        return SingleObjectEventSerde.standard();
    }

    /** @throws IllegalArgumentException if the event is not one this serde knows, or is incomplete */
    byte[] encode(SpecificRecord event);

    /** The event, as today's generated class, whichever known version wrote it. */
    SpecificRecord decode(byte[] bytes) throws UndecodableEventException;

    /** The event's full Avro name, or {@code "unknown"}; never throws (for logs and dead-letter headers). */
    String typeOf(byte[] bytes);
}
