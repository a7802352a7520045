package dev.faissrebuild.runtime.state;

import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * State folded from event topics and kept in a compacted state topic, so it outlives the events'
 * retention (see {@link DurableView}). No Kafka in here: entries in, events in, changed entries out.
 */
public interface DurableState {
    /** Called once, before any event, with every entry the state topic holds (key → value). */
    void restore(Map<String, byte[]> entries);

    /** Folds one event read from the input topics. */
    void fold(Incoming event);

    /** The entries changed since the last call (a null value deletes the key); the owner writes them. */
    List<StateChange> drainChanges();

    /**
     * Time-driven work of the owner (e.g. alerts that fire because time passed), called every tick:
     * the events to publish, committed in the same transaction as the state changes they cause.
     */
    default List<Outgoing> tick(Instant now) {
        return List.of();
    }

    /** One entry of the state topic; {@code value == null} removes the key. */
    record StateChange(String key, byte[] value) {}
}
