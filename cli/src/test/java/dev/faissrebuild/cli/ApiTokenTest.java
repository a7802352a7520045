package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** monitoring.api_token_file: /api/* and /metrics answer 401 without the bearer token and work with it; /health stays open. */
class ApiTokenTest extends WithRunningSystem {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String TOKEN = "s3cret-token-for-the-test";


    @Test
    void theApiAndTheMetricsNeedTheTokenAndHealthDoesNot() throws Exception {
        Files.writeString(dir.resolve("api-token"), TOKEN + "\n");
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false}, "monitoring": {"api_token_file": "api-token"}}""", c -> c.withEphemeralPorts());
        assertThat(get(system.apiUrl("/status"), null).statusCode()).isEqualTo(401);
        assertThat(get(system.apiUrl("/status"), "Bearer wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = get(system.metricsUrl(), null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"faiss-rebuild\"");
        assertThat(refused.body()).doesNotContain(TOKEN);
        assertThat(post(system.apiUrl("/rebuild"), "{\"horizons\": [6]}", null).statusCode()).isEqualTo(401);

        assertThat(get(system.apiUrl("/status"), "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get(system.metricsUrl(), "Bearer " + TOKEN);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("faiss_rebuild_total");
        assertThat(get(system.healthUrl(), null).statusCode()).isEqualTo(200);

        // the CLI's monitor sends the token of its configuration
        OfflineCommandsTest.Run monitor = OfflineCommandsTest.cli("monitor", "--metrics", "--data-dir", dir.toString(), "--config",
                dir.resolve("config.json").toString());
        assertThat(monitor.code()).as(monitor.err()).isZero();
        assertThat(monitor.out()).contains("faiss_rebuild_total");
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (authorization != null) b.header("Authorization", authorization);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) b.header("Authorization", authorization);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
