package dev.faissrebuild.notifier;

import java.time.Instant;
import java.util.Map;

/**
 * One thing worth telling people, channel-neutral: each channel renders it its own way.
 *
 * @param kind the event it came from, e.g. {@code generation_deployed}
 * @param fields the facts, in display order, as key=value pairs
 */
public record Notification(String kind, Severity severity, String title, String text, Map<String, String> fields, Instant at) {
    public enum Severity { INFO, WARNING, CRITICAL }
}
