package dev.faissrebuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** monitoring.enable_prometheus and the two ports: /metrics where the configuration says, and nowhere when it is off. */
class MetricsEndpointTest {
    @TempDir Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    private WorkerRuntime start(String monitoring) throws IOException {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"monitoring\": " + monitoring + "}");
        FaissRebuildConfig c = ConfigLoader.load(f, dir);
        return WorkerRuntime.start("test", c, "127.0.0.1:1", Duration.ofSeconds(1));
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void offMeansNoMetricsEndpointAtAll() throws Exception {
        int health = freePort();
        int metrics = freePort();
        try (WorkerRuntime rt = start("{\"enable_prometheus\": false, \"health_check_port\": %d, \"metrics_port\": %d}".formatted(health, metrics))) {
            assertThat(rt.metricsUrl()).isNull();
            assertThat(status("http://127.0.0.1:" + health + "/health")).isEqualTo(200);
            assertThat(status("http://127.0.0.1:" + health + "/metrics")).isEqualTo(404);
            assertThatThrownBy(() -> status("http://127.0.0.1:" + metrics + "/metrics")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void onMetricsAreOnTheirOwnPortOrOnTheSharedOne() throws Exception {
        int health = freePort();
        int metrics = freePort();
        try (WorkerRuntime rt = start("{\"health_check_port\": %d, \"metrics_port\": %d}".formatted(health, metrics))) {
            assertThat(rt.metricsUrl()).isEqualTo("http://127.0.0.1:" + metrics + "/metrics");
            assertThat(status(rt.metricsUrl())).isEqualTo(200);
            assertThat(status("http://127.0.0.1:" + health + "/metrics")).isEqualTo(404);
        }
        int shared = freePort();
        try (WorkerRuntime rt = start("{\"health_check_port\": %d, \"metrics_port\": %d}".formatted(shared, shared))) {
            assertThat(status("http://127.0.0.1:" + shared + "/metrics")).isEqualTo(200);
            assertThat(status("http://127.0.0.1:" + shared + "/health")).isEqualTo(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
