package dev.faissrebuild.runtime.loop;

import java.util.List;

/**
 * A worker's logic: one event in, the events to publish out. No Kafka inside: the shared
 * {@link WorkerLoop} decodes, retries, dead-letters, publishes and commits around it.
 *
 * <p>Throw {@link PermanentFailure} for an event that can never be processed (its content is invalid):
 * it goes to the dead-letter topic at once. Any other exception is taken as transient and retried
 * with backoff; when retries run out, the record is dead-lettered too. Never both lost and silent.
 */
@FunctionalInterface
public interface EventProcessor {
    List<Outgoing> process(Incoming event) throws Exception;

    /**
     * The events that settle what a dead-lettered event leaves open (a failure verdict for its index,
     * a rejection for its command), published in the same transaction as the dead letter, so that
     * whoever waits on it hears an answer instead of waiting for ever. Must not throw.
     */
    default List<Outgoing> onDeadLetter(Incoming event, String reason) {
        return List.of();
    }
}
