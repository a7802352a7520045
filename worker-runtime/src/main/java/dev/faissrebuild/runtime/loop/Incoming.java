package dev.faissrebuild.runtime.loop;

import org.apache.avro.specific.SpecificRecord;

/** A decoded event as a worker's logic sees it, with where it came from. */
public record Incoming(String topic, int partition, long offset, String key, SpecificRecord event) {}
