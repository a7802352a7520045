package dev.faissrebuild.runtime.loop;

import java.time.Duration;
import java.util.List;

/**
 * What one worker consumes and how it runs.
 *
 * @param concurrency records processed at once, each from a different partition (each on its own
 *     platform thread: FAISS calls pin a virtual thread's carrier, so they get real threads)
 * @param transactionalId null: at-least-once with plain commits (outputs whose duplicates are harmless);
 *     otherwise outputs and the consumed offset commit in one Kafka transaction. A fixed id (the
 *     deployer's) fences a second instance; a per-instance id lets instances share a group.
 * @param maxAttempts tries of a record whose processing throws before it is dead-lettered
 */
public record WorkerSpec(String name, String groupId, List<String> topics, EventProcessor processor, int concurrency,
                         String transactionalId, int maxAttempts, Duration firstBackoff) {

    public static WorkerSpec of(String name, List<String> topics, EventProcessor processor) {
        return new WorkerSpec(name, name, topics, processor, 1, null, 5, Duration.ofMillis(200));
    }

    public WorkerSpec withConcurrency(int n) {
        return new WorkerSpec(name, groupId, topics, processor, n, transactionalId, maxAttempts, firstBackoff);
    }

    public WorkerSpec transactional(String id) {
        return new WorkerSpec(name, groupId, topics, processor, concurrency, id, maxAttempts, firstBackoff);
    }

    public WorkerSpec withRetries(int attempts, Duration backoff) {
        return new WorkerSpec(name, groupId, topics, processor, concurrency, transactionalId, attempts, backoff);
    }

    public WorkerSpec withGroup(String group) {
        return new WorkerSpec(name, group, topics, processor, concurrency, transactionalId, maxAttempts, firstBackoff);
    }
}
