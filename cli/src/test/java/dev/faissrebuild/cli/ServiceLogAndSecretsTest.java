package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.http.Tls;
import dev.faissrebuild.testing.TestData;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as an operator runs it: {@code up} with {@code logging.file}, TLS, an API token and
 * notification receivers whose URLs, headers and signing secret are secrets. The seed's greps (real
 * grep) find the matching events in service.log; every configured secret is looked for, and must be
 * absent, in every log line, the audit log, {@code status --json}, {@code config show}, {@code backup list}
 * and the HTTP answers — including the log lines of notifications that failed (the first POST to each
 * receiver is answered 500).
 */
class ServiceLogAndSecretsTest {
    static final String TOKEN = "tok-SECRET-7f3a9c";
    static final String SLACK_SECRET = "SLACKSECRET-b91d";
    static final String HOOK_URL_SECRET = "HOOKURLSECRET-55e1";
    static final String HOOK_HMAC_SECRET = "HMACSECRET-c0ffee";
    static final String HEADER_SECRET = "HEADERSECRET-9a9a";
    static final String SMTP_SECRET = "SMTPSECRET-4242";
    static final String TLS_SECRET = "TLSSECRET-pass1";
    /** The backup key, as the 64 hex digits its file holds. */
    static final String BACKUP_KEY = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32));
    static final List<String> SECRETS = List.of(TOKEN, SLACK_SECRET, HOOK_URL_SECRET, HOOK_HMAC_SECRET, HEADER_SECRET, SMTP_SECRET, TLS_SECRET,
            BACKUP_KEY);
    static final Map<String, String> ENV = Map.of("FR_HOOK_SECRET", HOOK_HMAC_SECRET, "FR_SMTP_PASSWORD", SMTP_SECRET, "FR_TLS_PASSWORD", TLS_SECRET);

    @TempDir Path dir;
    HttpServer receiver;
    final AtomicInteger received = new AtomicInteger();
    final List<String> seen = new ArrayList<>(); // everything a person or a program read from the system

    @AfterEach
    void stop() {
        if (receiver != null) receiver.stop(0);
    }

    @Test
    void theSeedsGrepsFindTheirEventsAndNoSecretIsEverPrinted() throws Exception {
        TestData.weatherLike(dir.resolve("embeddings").resolve(new IndexKey(Horizon.H6, IndexType.FLATIP).embeddingsFileName()), 1500, 16, 6);
        Files.writeString(dir.resolve("api.token"), TOKEN + "\n");
        Files.writeString(dir.resolve("backup.key"), BACKUP_KEY + "\n");
        Files.setPosixFilePermissions(dir.resolve("backup.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        keystore();
        receiver();
        Path config = dir.resolve("config.json");

        Files.writeString(config, config(0.000001)); // no index can pass a 1 ns latency gate: "Validation failed"
        try (ChildJvm up = up(config, "up-1.log")) {
            ChildCli r = cli("rebuild", "--horizons", "6", "--types", "flatip", "--force", "--wait");
            assertThat(r.code()).as(r.out() + r.err()).isNotZero();
        }
        Files.writeString(config, config(100));
        try (ChildJvm up = up(config, "up-2.log")) {
            for (int i = 0; i < 2; i++) { // the second backs up the first's generation before its switch
                ChildCli r = cli("rebuild", "--horizons", "6", "--types", "flatip", "--force", "--wait");
                assertThat(r.code()).as(r.out() + r.err()).isZero();
            }
            Map<String, String> endpoints = endpoints();
            HttpClient tls = HttpClient.newBuilder().sslContext(Tls.of(ConfigLoader.load(config, dir).monitoring(), dir, ENV).orElseThrow().client()).build();
            assertThat(get(tls, endpoints.get("metrics_url"), null).statusCode()).as("/metrics without the token").isEqualTo(401);
            HttpResponse<String> status = get(tls, endpoints.get("api_url") + "/status", "Bearer " + TOKEN);
            assertThat(status.statusCode()).isEqualTo(200);
            seen.add(status.body());
            seen.add(get(tls, endpoints.get("health_url"), null).body());
            assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(up.pid())).start().waitFor()).isZero();
            up.await("event=config_reloaded", Duration.ofSeconds(30));
            for (String[] c : List.of(new String[] {"status", "--json"}, new String[] {"config", "show"}, new String[] {"backup", "list"})) {
                ChildCli r = cli(c);
                assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isZero();
            }
            await(() -> received.get() >= 4, "notifications delivered to the receivers");
        }

        Path log = dir.resolve("log/service.log");
        assertThat(grep("Rebuild completed successfully", log)).hasSize(2).allMatch(l -> l.contains("event=rebuild_completed"));
        assertThat(grep("Validation failed", log)).isNotEmpty().allMatch(l -> l.contains("event=index_rejected") && l.contains("gate=latency"));
        assertThat(grep("-E", "(backup|restore)", log)).anyMatch(l -> l.contains("event=backup_created") && l.contains("encrypted=true"));
        assertThat(grep("-E", "(memory|CPU|disk)", log)).anyMatch(l -> l.contains("event=build_succeeded") && l.contains("memory_peak_bytes="));
        List<String> audit = Files.readAllLines(dir.resolve("state/audit.log"));
        assertThat(audit).anyMatch(l -> l.contains("\"action\":\"config reload\"") && l.contains("\"who\":\"signal:HUP\"")
                && l.contains("applied"));
        assertThat(audit).anyMatch(l -> l.contains("\"action\":\"GET /metrics\"") && l.contains("401 refused: no Authorization header"));

        assertServiceModes(dir.resolve("indices"), dir.resolve("log"));
        for (Path f : allFiles(dir.resolve("log"), dir.resolve("state"))) seen.add(read(f));
        seen.add(read(dir.resolve("up-1.log")));
        seen.add(read(dir.resolve("up-2.log")));
        String everything = String.join("\n", seen);
        assertThat(everything).contains("event=retry worker=notifier", "event=rebuild_completed"); // the sweep saw the lines it is about
        List<String> leaks = everything.lines().filter(l -> SECRETS.stream().anyMatch(l::contains)).toList();
        assertThat(leaks).as("lines that print a configured secret").isEmpty();
    }

    /**
     * Under the unit's UMask=0027 what the service writes is readable by its group (the readers), never by
     * others: index files, manifests and backups 640, directories 750 (nothing created 600 by a temp-file API,
     * which would lock the group's readers out, nor 644).
     */
    private static void assertServiceModes(Path... roots) throws Exception {
        List<String> wrong = new ArrayList<>();
        int indexFiles = 0;
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.toList()) {
                    if (Files.isSymbolicLink(p) || p.getFileName().toString().equals(".lock")) continue;
                    String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    String expected = Files.isDirectory(p) ? "rwxr-x---" : "rw-r-----";
                    if (!mode.equals(expected)) wrong.add(mode + " " + root.relativize(p));
                    if (p.toString().endsWith(".faiss") || p.toString().contains(".tar.gz")) indexFiles++;
                }
            }
        }
        assertThat(indexFiles).as("index files and backups were looked at").isGreaterThanOrEqualTo(3);
        assertThat(wrong).as("files and directories whose mode is not 640 / 750").isEmpty();
    }

    private String config(double latencyMs) {
        int port = receiver.getAddress().getPort();
        return """
                {"rebuild": {"horizons": [6], "index_types": ["flatip"]},
                 "validation": {"max_latency_threshold_ms": %s},
                 "scheduler": {"enabled": false, "notification_channels": ["log", "slack", "webhook"]},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0, "api_token_file": "api.token",
                                "tls_keystore_file": "ops.p12", "tls_keystore_password_env": "FR_TLS_PASSWORD"},
                 "notifications": {
                   "slack": {"webhook_url": "http://127.0.0.1:%d/services/T0/B0/%s"},
                   "email": {"username": "faiss", "password_env": "FR_SMTP_PASSWORD"},
                   "webhooks": [{"url": "http://127.0.0.1:%d/hook/%s", "secret_env": "FR_HOOK_SECRET", "headers": {"X-Api-Key": "%s"}}]},
                 "backup": {"encryption_key_file": "backup.key"},
                 "logging": {"file": "log/service.log"}}
                """.formatted(latencyMs, port, SLACK_SECRET, port, HOOK_URL_SECRET, HEADER_SECRET);
    }

    private ChildJvm up(Path config, String logName) throws Exception {
        ChildJvm up = ChildJvm.startUnderUmask("0027", dir, ENV, dir.resolve(logName), FaissRebuildCli.class, "up", "--data-dir", dir.toString(), "--config",
                config.toString());
        up.await("faiss-rebuild is up", Duration.ofSeconds(90));
        return up;
    }

    private ChildCli cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dir.toString(), "--config", dir.resolve("config.json").toString()));
        ChildCli r = ChildCli.run(dir, ENV, FaissRebuildCli.class, all.toArray(String[]::new));
        seen.add(r.out());
        seen.add(r.err());
        return r;
    }

    /** The endpoints `up` wrote for the CLI (api_url, health_url, metrics_url). */
    @SuppressWarnings("unchecked")
    private Map<String, String> endpoints() throws Exception {
        ChildCli r = cli("status", "--json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        Map<String, String> out = new java.util.HashMap<>();
        var c = ConfigLoader.load(dir.resolve("config.json"), dir);
        Connection.local(c).orElseThrow().forEach((k, v) -> out.put(k, String.valueOf(v)));
        assertThat(json.isObject()).isTrue();
        return out;
    }

    /** A receiver for Slack and the webhook that fails the first POST to each (so the failure path is logged too). */
    private void receiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        AtomicInteger calls = new AtomicInteger();
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            int status = calls.getAndIncrement() < 2 ? 500 : 200;
            if (status == 200) received.incrementAndGet();
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
    }

    private void keystore() throws Exception {
        Process p = new ProcessBuilder("keytool", "-genkeypair", "-alias", "ops", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", dir.resolve("ops.p12").toString(), "-storepass", TLS_SECRET).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static HttpResponse<String> get(HttpClient client, String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (authorization != null) b.header("Authorization", authorization);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The lines real grep finds (the operator's command from the seed). */
    private static List<String> grep(String pattern, Path file) throws Exception {
        return grepRun(List.of("grep", pattern, file.toString()));
    }

    private static List<String> grep(String flag, String pattern, Path file) throws Exception {
        return grepRun(List.of("grep", flag, pattern, file.toString()));
    }

    private static List<String> grepRun(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor();
        return lines;
    }

    private static List<Path> allFiles(Path... roots) throws Exception {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".gz")).forEach(out::add);
            }
        }
        return out;
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1); // any bytes: state files may be binary
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 60 s: " + what);
            Thread.sleep(200);
        }
    }
}
