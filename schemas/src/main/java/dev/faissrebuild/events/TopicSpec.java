package dev.faissrebuild.events;

/** A topic the application creates itself, with an explicit partition count. */
public record TopicSpec(String name, int partitions) {
    public TopicSpec {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
}
