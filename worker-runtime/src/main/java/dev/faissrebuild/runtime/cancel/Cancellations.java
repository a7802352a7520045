package dev.faissrebuild.runtime.cancel;

import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.TopicView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The cancelled rebuilds, as {@code faiss.rebuild.cancellations} says (read from its start, then
 * followed): a builder or validator asks before it starts work, and is told the moment a rebuild it is
 * working on is cancelled, so it can kill the child doing it.
 */
public final class Cancellations implements AutoCloseable {
    /** Told of each cancellation: the rebuild, its cancelled keys (all when empty), and why. */
    @FunctionalInterface
    public interface Listener {
        void cancelled(String rebuildId, List<String> keys, String reason);
    }

    /** @param keys the cancelled keys; empty: all of them */
    private record Cancelled(java.util.Set<String> keys, String reason) {
        boolean covers(String key) {
            return keys.isEmpty() || keys.contains(key);
        }
    }

    private final Map<String, Cancelled> byRebuild = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile TopicView view;

    private Cancellations() {}

    public static Cancellations follow(KafkaSettings kafka, String name) {
        Cancellations c = new Cancellations();
        c.view = TopicView.follow(name + "-cancellations", kafka, List.of(Topics.CANCELLATIONS), in -> {
            if (in.event() instanceof RebuildCancelled rc) c.fold(rc);
        });
        return c;
    }

    /** No cancellations ever (offline use, tests of other things). */
    public static Cancellations none() {
        return new Cancellations();
    }

    public void fold(RebuildCancelled c) {
        Cancelled now = new Cancelled(java.util.Set.copyOf(c.getIndexKeys()), c.getReason());
        byRebuild.merge(c.getRebuildId(), now, (old, next) -> {
            if (old.keys().isEmpty() || next.keys().isEmpty()) return new Cancelled(java.util.Set.of(), old.keys().isEmpty() ? old.reason() : next.reason());
            java.util.Set<String> both = new java.util.TreeSet<>(old.keys());
            both.addAll(next.keys());
            return new Cancelled(both, next.reason());
        });
        listeners.forEach(l -> l.cancelled(c.getRebuildId(), c.getIndexKeys(), c.getReason()));
    }

    /** Why {@code indexKey} of {@code rebuildId} is cancelled, or empty if it is not. */
    public Optional<String> reason(String rebuildId, String indexKey) {
        Cancelled c = byRebuild.get(rebuildId);
        return c == null || !c.covers(indexKey) ? Optional.empty() : Optional.of(c.reason());
    }

    public void onCancel(Listener l) {
        listeners.add(l);
    }

    /** Whether a cancellation of {@code keys} covers {@code key}. */
    public static boolean covers(List<String> keys, String key) {
        return keys.isEmpty() || keys.contains(key);
    }

    @Override
    public void close() {
        if (view != null) view.close();
    }
}
