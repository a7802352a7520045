package dev.faissrebuild.events;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka adapter for simple consumers (the CLI). Workers take byte[] and call {@link EventSerde#decode}
 * themselves, so that a bad record goes to the dead-letter topic instead of failing the poll.
 */
public class EventDeserializer implements Deserializer<SpecificRecord> {
    private final EventSerde serde;

    /** For {@code value.deserializer} configured by class name. */
    public EventDeserializer() {
        this(EventSerde.standard());
    }

    public EventDeserializer(EventSerde serde) {
        this.serde = serde;
    }

    /** @return {@code null} for a {@code null} value (Kafka's tombstone convention) */
    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) return null;
        try {
            return serde.decode(data);
        } catch (UndecodableEventException e) {
            throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
