package dev.faissrebuild.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.faissrebuild.runtime.config.ConfigException;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each {@code artifacts.s3_*} setting, shown by what reaches a real HTTP server or S3Proxy. */
class ConfiguredStoreTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret-key").build();
    @TempDir Path dir;

    @Test
    void theEndpointRegionAndKeyIdAreWhatTheRequestIsSentToAndSignedWith() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Authorization"));
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        try (ArtifactStore store = ConfiguredStore.open("s3://faiss-artifacts/site-a",
                settings("http://127.0.0.1:" + server.getAddress().getPort(), "eu-west-1"), Map.of("KEY", "AKIDFROMENV", "SECRET", "s"))) {
            assertThat(store.stat("LIVE")).isEmpty();
        } finally {
            server.stop(0);
        }
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst()).startsWith("HEAD /faiss-artifacts/site-a/LIVE ") // path-style, bucket and prefix
                .contains("Credential=AKIDFROMENV/").contains("/eu-west-1/s3/aws4_request");
    }

    @Test
    void credentialsComeFromTheNamedEnvironmentVariablesAndAWrongSecretIsRefusedByTheServer() throws Exception {
        FaissRebuildConfig.Artifacts a = settings(S3.getUri().toString(), "us-east-1");
        assertThatThrownBy(() -> ConfiguredStore.open("s3://faiss-artifacts", a, Map.of("KEY", "access")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("artifacts.s3_secret_access_key_env = \"SECRET\": expected the name of a set environment variable; SECRET is not set");
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (ArtifactStore wrong = ConfiguredStore.open("s3://faiss-artifacts", a, Map.of("KEY", "access", "SECRET", "not-the-secret"))) {
            assertThatThrownBy(() -> wrong.put("k", file, "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"))
                    .hasMessageContaining("put s3://faiss-artifacts/k failed").hasMessageContaining("403");
        }
    }

    private static FaissRebuildConfig.Artifacts settings(String endpoint, String region) {
        return new FaissRebuildConfig.Artifacts("s3://faiss-artifacts", endpoint, region, "KEY", "SECRET");
    }
}
