package dev.faissrebuild.runtime.loop;

import org.apache.avro.specific.SpecificRecord;

/** An event a worker's logic wants published, on a topic under a key. */
public record Outgoing(String topic, String key, SpecificRecord event) {}
