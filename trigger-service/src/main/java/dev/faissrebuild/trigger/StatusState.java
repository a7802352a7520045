package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.state.DurableState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The status view as durable state: entries of {@code faiss.rebuild.state} in and out, alerts on each tick. */
final class StatusState implements DurableState {
    private static final Logger LOG = LoggerFactory.getLogger(StatusState.class);
    private final RebuildStatusView view;
    private final AlertMonitor alerts;

    /** @param alerts null for a reader (the CLI), which publishes nothing */
    StatusState(RebuildStatusView view, AlertMonitor alerts) {
        this.view = view;
        this.alerts = alerts;
    }

    @Override
    public void restore(Map<String, byte[]> entries) {
        Map<String, Object> decoded = new LinkedHashMap<>();
        entries.forEach((key, bytes) -> {
            Class<?> type = StatusRecords.typeOf(key);
            if (type == null) {
                LOG.warn("event=state_entry_ignored key={} reason=\"unknown key (written by a newer version?)\"", key);
                return;
            }
            decoded.put(key, StatusRecords.decode(bytes, type));
        });
        view.restore(decoded);
    }

    @Override
    public void fold(Incoming event) {
        view.fold(event.event());
    }

    @Override
    public List<StateChange> drainChanges() {
        return view.drainChanges().stream().map(e -> new StateChange(e.getKey(), StatusRecords.encode(e.getValue()))).toList();
    }

    @Override
    public List<Outgoing> tick(Instant now) {
        return alerts == null ? List.of() : alerts.tick(now);
    }
}
