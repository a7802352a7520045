package dev.faissrebuild.events;

import java.util.Map;

/**
 * A topic the application creates itself, with an explicit partition count and the topic settings it
 * depends on (a state topic must be compacted, or its state disappears with the broker's retention).
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
    public TopicSpec {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1 for " + name);
        configs = Map.copyOf(configs);
    }

    public TopicSpec(String name, int partitions) {
        this(name, partitions, Map.of());
    }

    /** A one-partition topic that keeps the latest record of every key for ever (log compaction, no time retention). */
    public static TopicSpec compacted(String name) {
        return new TopicSpec(name, 1, Map.of("cleanup.policy", "compact"));
    }
}
