package dev.faissrebuild.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * monitoring.tls_keystore_file: the endpoints speak HTTPS with a PKCS#12 keystore made by the JDK's
 * keytool, and curl (not our client) verifies the certificate against the exported CA file; the bearer
 * token still guards /api and /metrics over TLS; plain HTTP to the port gets nowhere.
 */
class TlsTest {
    static final Map<String, String> ENV = Map.of("FR_TLS_PASSWORD", "s3cret-pass");
    @TempDir Path dir;
    Path cert;

    @BeforeEach
    void keystore() throws Exception {
        run("keytool", "-genkeypair", "-alias", "ops", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=faiss-rebuild-test",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                dir.resolve("ops.p12").toString(), "-storepass", "s3cret-pass");
        cert = dir.resolve("ops.pem");
        run("keytool", "-exportcert", "-rfc", "-alias", "ops", "-keystore", dir.resolve("ops.p12").toString(), "-storepass", "s3cret-pass",
                "-file", cert.toString());
    }

    @Test
    void curlVerifiesTheCertificateAndTheTokenStillGuardsTheApi() throws Exception {
        FaissRebuildConfig.Monitoring m = monitoring("ops.p12");
        Tls tls = Tls.of(m, dir, ENV).orElseThrow();
        assertThat(tls.toString()).doesNotContain("s3cret");
        ApiToken token = new ApiToken("tok-123", "test");
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, tls).requireToken(token)) {
            ops.route("/health", "GET", (me, p, b) -> OpsServer.Response.text(200, "up"));
            ops.route("/api/status", "GET", (me, p, b) -> OpsServer.Response.text(200, "ok"));
            assertThat(ops.url("/health")).startsWith("https://127.0.0.1:");
            assertThat(curl("--cacert", cert.toString(), ops.url("/health"))).isEqualTo("200");
            assertThat(curl("--cacert", cert.toString(), ops.url("/api/status"))).isEqualTo("401");
            assertThat(curl("--cacert", cert.toString(), "-H", "Authorization: Bearer tok-123", ops.url("/api/status"))).isEqualTo("200");
            assertThat(curl(ops.url("/health"))).as("without the CA file curl refuses the self-signed certificate").isEqualTo("000");
            assertThat(curl(ops.url("/health").replace("https:", "http:"))).as("plain HTTP to the TLS port").isNotEqualTo("200");
            var client = java.net.http.HttpClient.newBuilder().sslContext(tls.client()).build();
            var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops.url("/health"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).as("our client (monitor) trusts the keystore's own certificate").isEqualTo("up");
        }
    }

    @Test
    void aBadKeystoreIsAClearErrorNamingTheField() throws Exception {
        assertThatThrownBy(() -> Tls.of(monitoring("ops.p12"), dir, Map.of("FR_TLS_PASSWORD", "wrong-pass")))
                .hasMessage("monitoring.tls_keystore_file = \"ops.p12\": the password in FR_TLS_PASSWORD does not open " + dir.resolve("ops.p12"));
        assertThatThrownBy(() -> Tls.of(monitoring("ops.p12"), dir, Map.of()))
                .hasMessageStartingWith("monitoring.tls_keystore_password_env = \"FR_TLS_PASSWORD\": the variable is not set");
        assertThatThrownBy(() -> Tls.of(monitoring("missing.p12"), dir, ENV))
                .hasMessage("monitoring.tls_keystore_file = \"missing.p12\": no such file " + dir.resolve("missing.p12") + "; expected a PKCS#12 keystore");
        Files.writeString(dir.resolve("not.p12"), "-----BEGIN CERTIFICATE-----\n");
        assertThatThrownBy(() -> Tls.of(monitoring("not.p12"), dir, ENV))
                .hasMessageStartingWith("monitoring.tls_keystore_file = \"not.p12\": cannot read " + dir.resolve("not.p12") + " as a PKCS#12 keystore");
        assertThatThrownBy(() -> ConfigLoader.load(Files.writeString(dir.resolve("c.json"),
                "{\"monitoring\": {\"tls_keystore_file\": \"ops.p12\"}}"), dir))
                .hasMessageContaining("monitoring.tls_keystore_password_env = \"\": expected the name of the environment variable");
    }

    private FaissRebuildConfig.Monitoring monitoring(String keystore) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("tls.json"), "{\"monitoring\": {\"tls_keystore_file\": \"" + keystore
                + "\", \"tls_keystore_password_env\": \"FR_TLS_PASSWORD\"}}"), dir).monitoring();
    }

    /** curl's HTTP status (000 when the connection or TLS handshake failed). */
    private static String curl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
