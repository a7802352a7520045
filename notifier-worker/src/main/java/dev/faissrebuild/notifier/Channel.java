package dev.faissrebuild.notifier;

/** Somewhere notifications go: the log, Slack, email, a webhook. A channel that fails throws; the loop retries. */
public interface Channel {
    String name();

    void send(Notification n) throws Exception;

    /** False when this channel is configured to drop {@code n} (the log channel under a stricter log level). */
    default boolean delivers(Notification n) {
        return true;
    }
}
