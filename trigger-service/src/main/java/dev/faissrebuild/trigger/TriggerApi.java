package dev.faissrebuild.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.events.RebuildCommand;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.http.OpsServer;
import dev.faissrebuild.runtime.http.OpsServer.Response;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The HTTP API of the trigger service, next to {@code /health}:
 * <ul>
 *   <li>{@code POST /api/rebuild} {@code {"horizons":[6,24], "index_types":["ivfpq"], "force":false, "requested_by":"…", "reason":"…"}}
 *       publishes a rebuild command and answers 202 with its {@code command_id};
 *   <li>{@code GET /api/commands/<id>}: what the trigger decided for it (404 until decided);
 *   <li>{@code GET /api/status}: the status report.
 * </ul>
 */
public final class TriggerApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventPublisher publisher;
    private final RebuildStatusView view;
    private final Supplier<StatusReport> status;

    public TriggerApi(EventPublisher publisher, RebuildStatusView view, Supplier<StatusReport> status) {
        this.publisher = publisher;
        this.view = view;
        this.status = status;
    }

    public void mount(OpsServer server) {
        server.route("/api/rebuild", (method, path, body) -> method.equals("POST") ? rebuild(body) : Response.json(405, Map.of("error", "use POST")));
        server.route("/api/status", (method, path, body) -> Response.json(200, status.get()));
        server.route("/api/commands/", (method, path, body) -> {
            String id = path.substring("/api/commands/".length());
            return view.command(id).<Response>map(c -> Response.json(200, reply(c)))
                    .orElse(Response.json(404, Map.of("error", "command " + id + " not decided yet (or unknown)")));
        });
    }

    private Response rebuild(String body) throws Exception {
        JsonNode req = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        RebuildCommand command = command(req, TriggerType.API);
        publisher.publish(List.of(new Outgoing(Topics.REBUILD_COMMANDS, command.getCommandId(), command)));
        return Response.json(202, Map.of("command_id", command.getCommandId(), "status", "/api/commands/" + command.getCommandId()));
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
        return m;
    }

    /** A command from JSON, every field checked (an unknown horizon or type is a 400, not a dead letter). */
    static RebuildCommand command(JsonNode req, TriggerType trigger) {
        List<Integer> horizons = new ArrayList<>();
        req.path("horizons").forEach(h -> horizons.add(Horizon.parse(h.asText()).hours()));
        List<String> types = new ArrayList<>();
        req.path("index_types").forEach(t -> types.add(IndexType.parse(t.asText()).code()));
        return RebuildCommand.newBuilder().setCommandId("c-" + UUID.randomUUID()).setHorizons(horizons).setIndexTypes(types)
                .setForce(req.path("force").asBoolean(false)).setTrigger(trigger)
                .setRequestedBy(req.path("requested_by").asText("api")).setReason(req.path("reason").asText(""))
                .setRequestedAt(Instant.now()).build();
    }
}
