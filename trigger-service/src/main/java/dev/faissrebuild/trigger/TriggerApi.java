package dev.faissrebuild.trigger;

import dev.faissrebuild.events.CancelRebuild;
import dev.faissrebuild.events.EmbeddingsUpdated;
import dev.faissrebuild.events.RebuildCommand;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.audit.AuditLog;
import dev.faissrebuild.runtime.http.JsonRequest;
import dev.faissrebuild.runtime.http.OpsServer;
import dev.faissrebuild.runtime.http.OpsServer.Response;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The HTTP API of the trigger service, next to {@code /health}:
 * <ul>
 *   <li>{@code POST /api/rebuild} {@code {"horizons":[6,24], "index_types":["ivfpq"], "force":false, "explore":false, "full":false, "requested_by":"…", "reason":"…"}}
 *       publishes a rebuild command and answers 202 with its {@code command_id};
 *   <li>{@code GET /api/commands/<id>}: what the trigger decided for it (404 until decided);
 *   <li>{@code DELETE /api/rebuilds/<id>} (optional body {@code {"index_keys":["24h/ivfpq"], "requested_by":"…", "reason":"…"}})
 *       asks to cancel a rebuild, or some of its indices; 202 with the {@code cancel_id} to follow at /api/commands/;
 *   <li>{@code GET /api/status}: the status report.
 * </ul>
 */
public final class TriggerApi {
    static final Set<String> REBUILD_FIELDS = Set.of("horizons", "index_types", "force", "explore", "full", "requested_by", "reason");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static final Set<String> CANCEL_FIELDS = Set.of("index_keys", "requested_by", "reason");
    static final Set<String> EMBEDDINGS_FIELDS = Set.of("horizons", "produced_by", "note");
    private final EventPublisher publisher;
    private final RebuildStatusView view;
    private final Supplier<StatusReport> status;
    private java.util.function.Consumer<AuditLog.Entry> audit = e -> { };

    public TriggerApi(EventPublisher publisher, RebuildStatusView view, Supplier<StatusReport> status) {
        this.publisher = publisher;
        this.view = view;
        this.status = status;
    }

    /** Where the API's actions (every POST and DELETE) are recorded. */
    public TriggerApi auditTo(java.util.function.Consumer<AuditLog.Entry> sink) {
        this.audit = sink;
        return this;
    }

    public void mount(OpsServer server) {
        server.route("/api/rebuild", "POST", audited((method, path, body) -> rebuild(body)));
        server.route("/api/embeddings", "POST", audited((method, path, body) -> embeddings(body)));
        server.route("/api/rebuilds/", "DELETE", audited((method, path, body) -> cancel(path.substring("/api/rebuilds/".length()), body)));
        server.route("/api/status", "GET", (method, path, body) -> Response.json(200, status.get()));
        server.route("/api/commands/", "GET", (method, path, body) -> {
            String id = path.substring("/api/commands/".length());
            return view.command(id).<Response>map(c -> Response.json(200, reply(c)))
                    .orElse(Response.json(404, Map.of("error", "command " + id + " not decided yet (or unknown)")));
        });
    }

    /** The route, and one audit line for each call: who (the body's requested_by), what, the body, the answer. */
    private OpsServer.Route audited(OpsServer.Route route) {
        return (method, path, body) -> {
            String who = "api:" + requestedBy(body);
            try {
                Response r = route.handle(method, path, body);
                audit.accept(AuditLog.Entry.now(who, method + " " + path, List.of(String.valueOf(body)), r.status() + " " + r.body().replaceAll("\\s+", " ")));
                return r;
            } catch (IllegalArgumentException e) {
                audit.accept(AuditLog.Entry.now(who, method + " " + path, List.of(String.valueOf(body)), "400 " + e.getMessage()));
                throw e;
            }
        };
    }

    private static String requestedBy(String body) {
        try {
            var node = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            var by = node == null ? null : node.get("requested_by") != null ? node.get("requested_by") : node.get("produced_by");
            return by != null && by.isTextual() ? by.asText() : "api";
        } catch (java.io.IOException e) {
            return "api";
        }
    }

    private Response rebuild(String body) {
        RebuildCommand command = command(JsonRequest.parse(body, REBUILD_FIELDS), TriggerType.API);
        publisher.publish(List.of(new Outgoing(Topics.REBUILD_COMMANDS, command.getCommandId(), command)));
        return Response.json(202, Map.of("command_id", command.getCommandId(), "status", "/api/commands/" + command.getCommandId()));
    }

    private Response cancel(String rebuildId, String body) {
        if (rebuildId.isBlank() || rebuildId.contains("/")) throw new IllegalArgumentException("expected DELETE /api/rebuilds/<rebuild id>");
        JsonRequest req = JsonRequest.parse(body == null || body.isBlank() ? "{}" : body, CANCEL_FIELDS);
        List<String> keys = req.listOrAll("index_keys", k -> IndexKey.parse(k).toString());
        CancelRebuild cancel = cancelRebuild(rebuildId, keys == null ? List.of() : keys, req.text("requested_by", "api"), req.text("reason", ""));
        publisher.publish(List.of(new Outgoing(Topics.REBUILD_COMMANDS, cancel.getCancelId(), cancel)));
        return Response.json(202, Map.of("cancel_id", cancel.getCancelId(), "status", "/api/commands/" + cancel.getCancelId()));
    }

    /** An operator's cancel (CLI and HTTP API build it alike); empty {@code indexKeys} = the whole rebuild. */
    public static CancelRebuild cancelRebuild(String rebuildId, List<String> indexKeys, String by, String reason) {
        return CancelRebuild.newBuilder().setCancelId("x-" + UUID.randomUUID()).setRebuildId(rebuildId).setIndexKeys(indexKeys)
                .setRequestedBy(by).setReason(reason).setRequestedAt(Instant.now()).build();
    }

    /** The upstream's "embeddings updated", by HTTP: the same event as on faiss.embeddings.updated, answered the same way. */
    private Response embeddings(String body) {
        EmbeddingsUpdated event = embeddingsUpdated(JsonRequest.parse(body, EMBEDDINGS_FIELDS));
        publisher.publish(List.of(new Outgoing(Topics.EMBEDDINGS_UPDATED, event.getEventId(), event)));
        return Response.json(202, Map.of("event_id", event.getEventId(), "status", "/api/commands/" + event.getEventId()));
    }

    /** What was decided for a command, as plain JSON. */
    static Map<String, Object> reply(StatusRecords.CommandDecision c) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("command_id", c.commandId());
        m.put("rebuild_id", c.rebuildId());
        m.put("accepted", c.accepted());
        m.put("coalesced_into", c.coalescedInto());
        m.put("skipped", c.skipped());
        m.put("decided_at", String.valueOf(c.decidedAt()));
        if (c.rejectedReason() != null) m.put("rejected", c.rejectedReason());
        return m;
    }

    /** A command from a strictly read body: a typo or a wrong type is a 400, never a wider rebuild. */
    static RebuildCommand command(JsonRequest req, TriggerType trigger) {
        List<Integer> horizons = req.listOrAll("horizons", h -> Horizon.parse(h).hours());
        List<String> types = req.listOrAll("index_types", t -> IndexType.parse(t).code());
        return RebuildCommand.newBuilder().setCommandId("c-" + UUID.randomUUID()).setHorizons(horizons == null ? List.of() : horizons)
                .setIndexTypes(types == null ? List.of() : types).setForce(req.bool("force", false)).setExplore(req.bool("explore", false)).setFull(req.bool("full", false)).setTrigger(trigger)
                .setRequestedBy(req.text("requested_by", "api")).setReason(req.text("reason", "")).setRequestedAt(Instant.now()).build();
    }

    static EmbeddingsUpdated embeddingsUpdated(JsonRequest req) {
        List<Integer> horizons = req.listOrAll("horizons", h -> Horizon.parse(h).hours());
        return EmbeddingsUpdated.newBuilder().setEventId("e-" + UUID.randomUUID()).setHorizons(horizons == null ? List.of() : horizons)
                .setProducedBy(req.text("produced_by", "api")).setProducedAt(Instant.now()).setNote(req.text("note", "")).build();
    }
}
