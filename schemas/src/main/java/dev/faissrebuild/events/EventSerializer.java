package dev.faissrebuild.events;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka adapter for simple producers (the CLI); {@code null} stays {@code null}, as Kafka expects. */
public class EventSerializer implements Serializer<SpecificRecord> {
    private final EventSerde serde;

    /** For {@code value.serializer} configured by class name. */
    public EventSerializer() {
        this(EventSerde.standard());
    }

    public EventSerializer(EventSerde serde) {
        this.serde = serde;
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord event) {
        return event == null ? null : serde.encode(event);
    }
}
