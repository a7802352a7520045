package dev.faissrebuild.trigger;

import dev.faissrebuild.events.Alert;
import dev.faissrebuild.events.AlertState;
import dev.faissrebuild.events.Severity;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.http.Health.ActiveAlert;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the in-process alert rules into events people hear of: each alert that starts firing and each
 * that resolves is published once on {@code faiss.alerts} (the notifier fans it out to the channels).
 * The set of firing alerts is part of the durable state and is written in the same transaction as the
 * events, so a restart neither repeats nor loses a transition.
 */
final class AlertMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(AlertMonitor.class);
    private final RebuildStatusView view;
    private final Function<Instant, List<ActiveAlert>> rules;
    private final String source;

    AlertMonitor(RebuildStatusView view, Function<Instant, List<ActiveAlert>> rules, String source) {
        this.view = view;
        this.rules = rules;
        this.source = source;
    }

    List<Outgoing> tick(Instant now) {
        RebuildStatusView.AlertChanges changes = view.setFiring(rules.apply(now));
        List<Outgoing> out = new ArrayList<>();
        for (ActiveAlert a : changes.started()) out.add(event(a, AlertState.FIRING, now));
        // ended() holds the alerts as they fired, so a resolved event names the episode it ends (same alert id)
        for (ActiveAlert a : changes.ended()) out.add(event(a, AlertState.RESOLVED, now));
        return out;
    }

    private Outgoing event(ActiveAlert a, AlertState state, Instant now) {
        LOG.info("event=alert_{} alert={} labels=\"{}\" severity={} since={} summary=\"{}\"", state.name().toLowerCase(), a.name(),
                a.labels(), a.severity(), a.since(), a.summary());
        Map<String, String> labels = new java.util.TreeMap<>(a.labels());
        labels.put("severity", a.severity());
        labels.put("component", "faiss_rebuild_system");
        Alert alert = Alert.newBuilder().setAlertId(a.identity() + "@" + a.since().toEpochMilli()).setName(a.name())
                .setSeverity(Severity.valueOf(a.severity().toUpperCase())).setState(state)
                .setSummary(state == AlertState.FIRING ? a.summary() : a.name() + " resolved (was: " + a.summary() + ")")
                .setDescription(a.summary()).setLabels(labels)
                .setSource(source).setRaisedAt(now).build();
        return new Outgoing(Topics.ALERTS, a.identity(), alert);
    }
}
