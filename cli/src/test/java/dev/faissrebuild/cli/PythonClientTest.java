package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream's view, through the shipped Python module run by Debian's /usr/bin/python3 with
 * python3-confluent-kafka against a running system: its single-object encoding is the Java serde's, an
 * update it publishes is deployed and the deploy names its event, an unchanged file is skipped with the
 * reason, a bad horizon is rejected with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonClientTest {
    static final Set<String> CLIENT_EVENTS = Set.of("EmbeddingsUpdated", "CommandResult", "GenerationDeployed", "DeployFailed", "RolledBack");
    static final String BEGIN = "# BEGIN GENERATED SCHEMAS";
    static final String END = "# END GENERATED SCHEMAS";
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static RunningSystem system;

    static Path module() {
        return PrometheusRulesFiles.repoRoot().resolve("clients/python/faiss_rebuild_client.py");
    }

    /** The generated block: every released version of the client's events. */
    static String schemasBlock() {
        List<String> lines = new ArrayList<>();
        lines.add(BEGIN + " (every released version of the events below; regenerate: mvn -pl cli test -Dtest=PythonClientTest -Dregenerate=true)");
        lines.add("_SCHEMAS = [json.loads(s) for s in (");
        for (ReleasedSchemas r : ReleasedSchemas.all()) {
            if (CLIENT_EVENTS.contains(r.schema().getName())) lines.add("    r'''" + r.compactJson() + "''',  # " + r.version());
        }
        lines.add(")]");
        lines.add(END);
        return String.join("\n", lines);
    }

    @Test
    @Order(1)
    void theModuleEmbedsEveryReleasedVersionOfItsEvents() throws Exception {
        String text = Files.readString(module());
        String current = text.substring(text.indexOf(BEGIN), text.indexOf(END) + END.length());
        if (Boolean.getBoolean("regenerate")) {
            Files.writeString(module(), text.replace(current, schemasBlock()));
            return;
        }
        assertThat(current).as("clients/python/faiss_rebuild_client.py is not up to date; regenerate it (see the block's first line)")
                .isEqualTo(schemasBlock());
    }

    @Test
    @Order(2)
    void pythonComputesTheFingerprintsJavaComputes() throws Exception {
        String out = python("import faiss_rebuild_client as c, json\n"
                + "print(json.dumps([[s['name'], '%016x' % c.fingerprint(s)] for s in c._SCHEMAS]))");
        List<String> java = ReleasedSchemas.all().stream().filter(r -> CLIENT_EVENTS.contains(r.schema().getName()))
                .map(r -> r.schema().getName() + " " + String.format("%016x", r.fingerprint())).toList();
        List<String> py = new ArrayList<>();
        JSON.readTree(out).forEach(n -> py.add(n.get(0).asText() + " " + n.get(1).asText()));
        assertThat(py).isEqualTo(java);
    }

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, "{\"scheduler\": {\"enabled\": false}}", c -> c.withEphemeralPorts());
        assertThat(system.rebuild(null, null).deployed()).isTrue();
    }

    @AfterAll
    static void stop() {
        if (system != null) system.close();
    }

    @Test
    @Order(3)
    void anUpdatePublishedFromPythonIsDeployedAndTheDeployNamesItsEvent() throws Exception {
        Path target = system.config.paths().embeddings().resolve("embeddings_24h.npy");
        // the upstream's contract: write under a temporary name, then rename over the file
        String out = python("import numpy as np, os, faiss_rebuild_client as c, json\n"
                + "x = np.random.default_rng(7).standard_normal((1500, 16)).astype('float32')\n"
                + "x /= np.linalg.norm(x, axis=1, keepdims=True)\n"
                + "np.save('" + target + ".tmp.npy', x); os.replace('" + target + ".tmp.npy', '" + target + "')\n"
                + "eid = c.publish_embeddings_updated('" + bootstrap() + "', [24], 'python-test')\n"
                + "print(json.dumps({'event_id': eid, **c.follow_deployments('" + bootstrap() + "', eid, 300)}))");
        JsonNode r = JSON.readTree(out);
        assertThat(r.get("status").asText()).as(out).isEqualTo("deployed");
        assertThat(r.get("event").get("command_id").asText()).isEqualTo(r.get("event_id").asText());
        GenerationDeployed d = system.awaitEvent(Topics.INDEX_DEPLOYED, GenerationDeployed.class,
                g -> r.get("event_id").asText().equals(g.getCommandId()));
        assertThat(d.getGenerationId()).isEqualTo(r.get("generation_id").asText());
        assertThat(d.getFiles().stream().filter(f -> f.getRebuilt()).map(f -> f.getIndexKey()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("24h/flatip", "24h/ivfpq");
    }

    @Test
    @Order(4)
    void anUnchangedFileIsSkippedWithTheReason() throws Exception {
        JsonNode r = publishAndFollow(24);
        assertThat(r.get("status").asText()).isEqualTo("skipped");
        assertThat(r.get("reasons").get("24h/flatip").asText()).contains("unchanged");
    }

    @Test
    @Order(5)
    void aBadHorizonIsRejectedWithTheReason() throws Exception {
        JsonNode r = publishAndFollow(5);
        assertThat(r.get("status").asText()).isEqualTo("rejected");
        assertThat(r.get("reason").asText()).contains("5");
        assertThat(system.events(Topics.INDEX_DEPLOYED)).noneMatch(e -> e instanceof DeployFailed f && f.getCommandId() != null
                && f.getCommandId().equals(r.get("decision").get("command_id").asText()));
    }

    /** Publishes an update of {@code horizon} from Python and returns what follow_deployments reports. */
    static JsonNode publishAndFollow(int horizon) throws Exception {
        return JSON.readTree(python("import faiss_rebuild_client as c, json\n"
                + "eid = c.publish_embeddings_updated('" + bootstrap() + "', [" + horizon + "], 'python-test')\n"
                + "print(json.dumps(c.follow_deployments('" + bootstrap() + "', eid, 120)))"));
    }

    static String bootstrap() {
        return system.kafka().bootstrapServers();
    }

    /** Runs a script with Debian's python3 (python3-confluent-kafka, python3-numpy), the module importable; returns its stdout. */
    static String python(String script) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script).directory(module().getParent().toFile()).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out.strip().lines().reduce((a, b) -> b).orElse("");
    }
}
