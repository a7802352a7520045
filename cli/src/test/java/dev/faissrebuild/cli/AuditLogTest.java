package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.events.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every operator action leaves one JSON line in state/audit.log and on faiss.audit: who, what, arguments, when, outcome. */
class AuditLogTest extends WithRunningSystem {
    static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void cliAndApiActionsAreAuditedAndReadsAreNot() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, "{\"scheduler\": {\"enabled\": false}}", c -> c.withEphemeralPorts());
        String cfg = dir.resolve("config.json").toString();
        assertThat(system.rebuild(null, null).deployed()).isTrue(); // a first generation holds every index
        OfflineCommandsTest.Run run = OfflineCommandsTest.cli("rebuild", "--horizons", "6", "--types", "flatip", "--force", "--wait",
                "--data-dir", dir.toString(), "--config", cfg);
        assertThat(run.code()).as(run.out() + run.err().lines().filter(l -> !l.contains("level=INFO")).toList()).isZero();
        assertThat(OfflineCommandsTest.cli("cancel", "--rebuild", "r-none", "--data-dir", dir.toString(), "--config", cfg).code()).isEqualTo(1);
        assertThat(OfflineCommandsTest.cli("status", "--data-dir", dir.toString(), "--config", cfg).code()).isZero();
        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(system.apiUrl("/rebuild")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"horizons\": [12], \"requested_by\": \"alice\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(202);

        List<JsonNode> file = Files.readAllLines(system.config.paths().state().resolve("audit.log")).stream().map(AuditLogTest::parse).toList();
        System.out.println("audit.log:\n" + String.join("\n", file.stream().map(JsonNode::toString).toList()));
        assertThat(file).extracting(n -> n.get("action").asText()).containsExactly("rebuild", "cancel", "POST /api/rebuild");
        JsonNode rebuild = file.get(0);
        assertThat(rebuild.get("who").asText()).isEqualTo(System.getProperty("user.name"));
        assertThat(rebuild.get("arguments").toString()).contains("\"--horizons\",\"6\"", "\"--force\"");
        assertThat(rebuild.get("outcome").asText()).isEqualTo("exit 0");
        assertThat(rebuild.get("at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(file.get(1).get("outcome").asText()).isEqualTo("exit 1");
        assertThat(file.get(2).get("who").asText()).isEqualTo("api:alice");
        assertThat(file.get(2).get("outcome").asText()).startsWith("202 ").contains("command_id");

        List<String> topic = RunningSystem.records(system.kafka(), Topics.AUDIT).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        assertThat(topic).as("faiss.audit carries the same lines").containsExactlyElementsOf(
                Files.readAllLines(system.config.paths().state().resolve("audit.log")));
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
