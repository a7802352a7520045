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
 *     deployer's) fences a second instance; a per-instance id lets instances share a group. Either
 *     way it must be the same after a restart, so the new incarnation aborts what the old left open.
 * @param maxAttempts tries of a record whose processing throws before it is dead-lettered
 * @param groupInstanceId null: a dynamic group member; otherwise a static one ({@code group.instance.id}),
 *     which a restart with the same id replaces at once instead of waiting for the old session to expire
 */
public record WorkerSpec(String name, String groupId, List<String> topics, EventProcessor processor, int concurrency,
                         String transactionalId, int maxAttempts, Duration firstBackoff, String groupInstanceId) {

    public static WorkerSpec of(String name, List<String> topics, EventProcessor processor) {
        return new WorkerSpec(name, name, topics, processor, 1, null, 5, Duration.ofMillis(200), null);
    }

    public WorkerSpec withConcurrency(int n) {
        return new WorkerSpec(name, groupId, topics, processor, n, transactionalId, maxAttempts, firstBackoff, groupInstanceId);
    }

    public WorkerSpec transactional(String id) {
        return new WorkerSpec(name, groupId, topics, processor, concurrency, id, maxAttempts, firstBackoff, groupInstanceId);
    }

    public WorkerSpec withRetries(int attempts, Duration backoff) {
        return new WorkerSpec(name, groupId, topics, processor, concurrency, transactionalId, attempts, backoff, groupInstanceId);
    }

    public WorkerSpec withGroup(String group) {
        return new WorkerSpec(name, group, topics, processor, concurrency, transactionalId, maxAttempts, firstBackoff, groupInstanceId);
    }

    public WorkerSpec withGroupInstanceId(String id) {
        return new WorkerSpec(name, groupId, topics, processor, concurrency, transactionalId, maxAttempts, firstBackoff, id);
    }
}
