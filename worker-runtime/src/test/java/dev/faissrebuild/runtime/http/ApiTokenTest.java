package dev.faissrebuild.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** monitoring.api_token_env: the token from the environment guards the routes as the file's does (cli's ApiTokenTest runs the file form end to end). */
class ApiTokenTest {
    @TempDir Path dir;

    @Test
    void theTokenFromTheNamedEnvironmentVariableIsRequired() throws Exception {
        FaissRebuildConfig c = ConfigLoader.load(Files.writeString(dir.resolve("c.json"),
                "{\"monitoring\": {\"api_token_env\": \"FR_TEST_TOKEN\"}}"), dir);
        ApiToken token = ApiToken.of(c.monitoring(), dir, Map.of("FR_TEST_TOKEN", "from-env\n")).orElseThrow();
        assertThat(token.toString()).doesNotContain("from-env");
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0).requireToken(token)) {
            ops.route("/api/x", "GET", (m, p, b) -> OpsServer.Response.text(200, "ok"));
            ops.route("/health", "GET", (m, p, b) -> OpsServer.Response.text(200, "up"));
            assertThat(get(ops.url("/api/x"), null)).isEqualTo(401);
            assertThat(get(ops.url("/api/x"), "Bearer from-env")).isEqualTo(200);
            assertThat(get(ops.url("/health"), null)).isEqualTo(200);
        }
        assertThatThrownBy(() -> ApiToken.of(c.monitoring(), dir, Map.of()))
                .hasMessage("monitoring.api_token_env = \"FR_TEST_TOKEN\": the variable is not set");
        FaissRebuildConfig none = ConfigLoader.load(Files.writeString(dir.resolve("d.json"), "{}"), dir);
        assertThat(ApiToken.of(none.monitoring(), dir, Map.of("FR_TEST_TOKEN", "x"))).isEmpty();
    }

    private static int get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) b.header("Authorization", authorization);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
