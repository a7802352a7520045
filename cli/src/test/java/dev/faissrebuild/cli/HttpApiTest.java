package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API is strict: it never widens what it was asked, refuses what it does not serve, and cannot be drowned. */
class HttpApiTest {
    @TempDir static Path dir;
    static RunningSystem system;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, "{\"scheduler\": {\"enabled\": false}}", c -> c.withEphemeralPorts());
    }

    @AfterAll
    static void stop() {
        if (system != null) system.close();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(system.apiUrl(path))).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyWideningCaseIsA400NamingTheField() throws Exception {
        assertBad("{\"horizon\":[6],\"force\":true}", "unknown field 'horizon'");
        assertBad("{\"horizons\":6}", "field 'horizons' = 6: expected a list");
        assertBad("[6]", "expected a JSON object");
        assertBad("", "expected a JSON object");
        assertBad("{\"force\":\"yes\"}", "field 'force' = \"yes\": expected true or false");
        assertBad("{\"horizons\":[5]}", "field 'horizons'");
        assertBad("{\"horizons\":[]}", "expected at least one value");
        assertBad("{\"horizons\": [6], \"horizons\": \"all\"}", "Duplicate field 'horizons'");
        assertBad("{\"horizons\":", "not valid JSON");
    }

    private static void assertBad(String body, String expected) throws Exception {
        HttpResponse<String> r = send("POST", "/rebuild", body);
        assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
        String error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("error").asText();
        assertThat(error).as(body).contains(expected).doesNotContain("Exception");
    }

    @Test
    void onlyTheMethodsAndPathsItServesAnswer() throws Exception {
        assertThat(send("DELETE", "/status", null).statusCode()).isEqualTo(405);
        assertThat(send("GET", "/rebuild", null).statusCode()).isEqualTo(405);
        assertThat(send("GET", "/rebuild", null).headers().firstValue("Allow")).contains("POST");
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(system.metricsUrl())).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(send("GET", "/statusX", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/status", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aTwentyMegabyteBodyIsA413WithinASecondAndHealthKeepsAnswering() throws Exception {
        byte[] big = new byte[20 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        CompletableFuture<Integer> health = CompletableFuture.supplyAsync(() -> {
            try {
                return RunningSystem.get(system.healthUrl()).statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(system.apiUrl("/rebuild"))).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(health.get()).isIn(200, 503);
        assertThat(RunningSystem.get(system.healthUrl()).statusCode()).as("health answers after it").isIn(200, 503);
    }

    @Test
    void embeddingsUpdatedByHttpIsAnsweredUnderItsEventId() throws Exception {
        HttpResponse<String> r = send("POST", "/embeddings", "{\"horizons\": [24], \"produced_by\": \"http-test\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("event_id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> decision;
        do {
            Thread.sleep(200);
            decision = send("GET", "/commands/" + id, null);
        } while (decision.statusCode() == 404 && System.nanoTime() < deadline);
        assertThat(decision.statusCode()).isEqualTo(200);
        var decided = new com.fasterxml.jackson.databind.ObjectMapper().readTree(decision.body());
        assertThat(decided.get("command_id").asText()).isEqualTo(id);
        assertThat(decided.get("accepted").toString()).contains("24h/flatip").contains("24h/ivfpq");
        assertThat(send("POST", "/embeddings", "{\"horizons\": [24], \"producer\": \"x\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void theOriginalSystemsSkipOptionsAreRefusedWhereTheConfigurationForbidsThem() throws Exception {
        String cfg = dir.resolve("config.json").toString();
        OfflineCommandsTest.Run backup = OfflineCommandsTest.cli("rebuild", "--skip-backup", "--data-dir", dir.toString(), "--config", cfg);
        assertThat(backup.code()).isEqualTo(1);
        assertThat(backup.err()).contains("--skip-backup is refused: deploy.backup_before_deploy is true");
        OfflineCommandsTest.Run validation = OfflineCommandsTest.cli("rebuild", "--skip-validation", "--horizons", "6", "--data-dir",
                dir.toString(), "--config", cfg);
        assertThat(validation.code()).isEqualTo(1);
        assertThat(validation.out()).contains("REJECTED: invalid event: --skip-validation is refused: rebuild.require_validation_pass is true");
    }

    @Test
    void monitorSaysUnreachableWithExitTwo() {
        OfflineCommandsTest.Run r = OfflineCommandsTest.cli("monitor", "--health", "--url", "http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot reach http://127.0.0.1:1/health");
    }
}
