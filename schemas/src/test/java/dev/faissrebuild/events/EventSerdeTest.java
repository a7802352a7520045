package dev.faissrebuild.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventSerdeTest {
    private final EventSerde serde = EventSerde.standard();

    static Stream<SpecificRecord> samples() {
        return SampleEvents.all().stream();
    }

    @Test
    void samplesCoverEveryEvent() {
        assertThat(SampleEvents.all()).extracting(Object::getClass)
                .containsExactlyInAnyOrderElementsOf(EventCatalog.EVENTS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void roundTrips(SpecificRecord event) throws Exception {
        byte[] bytes = serde.encode(event);

        assertThat(bytes).startsWith(0xC3, 0x01);
        assertThat(serde.typeOf(bytes)).isEqualTo(event.getSchema().getFullName());
        assertThat(serde.decode(bytes)).isInstanceOf(event.getClass()).isEqualTo(event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void roundTripsThroughKafkaAdapters(SpecificRecord event) {
        try (var out = new EventSerializer(); var in = new EventDeserializer()) {
            assertThat(in.deserialize("t", out.serialize("t", event))).isEqualTo(event);
        }
    }

    @Test
    void standardIsShared() {
        assertThat(EventSerde.standard()).isSameAs(serde);
    }

    @Test
    void kafkaAdaptersPassNullThrough() {
        try (var out = new EventSerializer(); var in = new EventDeserializer()) {
            assertThat(out.serialize("t", null)).isNull();
            assertThat(in.deserialize("t", null)).isNull();
        }
    }

    @Test
    void kafkaDeserializerCarriesTheReason() {
        try (var in = new EventDeserializer()) {
            assertThatThrownBy(() -> in.deserialize("faiss.alerts", "{\"a\":1}".getBytes()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("faiss.alerts")
                    .hasMessageContaining("no single-object header (first bytes 7b 22");
        }
    }

    @Test
    void refusesAnIncompleteEvent() {
        RebuildCommand missingId = SampleEvents.rebuildCommand();
        missingId.setCommandId(null); // the builder would refuse; the setter does not
        assertThatThrownBy(() -> serde.encode(missingId))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RebuildCommand");
    }

    @Test
    void refusesANonEvent() {
        assertThatThrownBy(() -> serde.encode(SampleEvents.figures()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a known event");
    }
}
