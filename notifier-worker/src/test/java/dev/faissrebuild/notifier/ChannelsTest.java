package dev.faissrebuild.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.runtime.loop.Incoming;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each channel against a real receiver on loopback: an HTTP server, and GreenMail's SMTP server. */
class ChannelsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    HttpServer http;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresToServe = new AtomicInteger();
    final HttpPoster poster = new HttpPoster(Duration.ofSeconds(5));

    @BeforeEach
    void server() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        http.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            headers.add(Map.copyOf(ex.getRequestHeaders()));
            int status = failuresToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
            byte[] ok = (status == 200 ? "ok" : "internal error").getBytes();
            ex.sendResponseHeaders(status, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
    }

    static DeployFailed failed() {
        return DeployFailed.newBuilder().setRebuildId("r1").setTrigger(TriggerType.SCHEDULED)
                .setReason("nothing deployed: 24h/ivfpq rejected: rejected by the recall gate: recall@10 0.81 < 0.95 <sic> & more")
                .setFailedKeys(List.of("24h/ivfpq")).setLiveGenerationId("g1").setGenerationId(null).setRebuildSeconds(12)
                .setFailedAt(Instant.parse("2026-11-24T02:00:00Z")).build();
    }

    static Notification notification(SpecificRecord e) {
        return Notifications.of(e).orElseThrow();
    }

    @Test
    void slackGetsAnIncomingWebhookPayloadInItsDocumentedShape() throws Exception {
        new SlackChannel(url("/services/T/B/X"), "#faiss", "faiss-rebuild", poster).send(notification(failed()));
        JsonNode p = JSON.readTree(bodies.getFirst());
        assertThat(p.get("text").isTextual()).isTrue();
        assertThat(p.get("text").asText()).contains("Rebuild r1 deployed nothing");
        assertThat(p.get("channel").asText()).isEqualTo("#faiss");
        JsonNode blocks = p.get("blocks");
        assertThat(blocks.isArray()).isTrue();
        for (JsonNode b : blocks) {
            assertThat(b.get("type").asText()).isEqualTo("section");
            if (b.has("text")) {
                assertThat(b.get("text").get("type").asText()).isEqualTo("mrkdwn");
                assertThat(b.get("text").get("text").asText().length()).isLessThanOrEqualTo(3000);
            }
            if (b.has("fields")) {
                assertThat(b.get("fields").size()).isBetween(1, 10);
                b.get("fields").forEach(f -> assertThat(f.get("text").asText().length()).isLessThanOrEqualTo(2000));
            }
        }
        // mrkdwn control characters escaped as Slack documents
        assertThat(blocks.get(0).get("text").get("text").asText()).contains("&lt;sic&gt; &amp; more");
        assertThat(headers.getFirst().get("Content-type")).containsExactly("application/json");
    }

    @Test
    void aWebhookIsSignedSoTheReceiverCanCheckIt() throws Exception {
        new WebhookChannel(url("/hook"), "s3cret", Map.of("X-Team", "forecasting"), poster).send(notification(failed()));
        String body = bodies.getFirst();
        JsonNode p = JSON.readTree(body);
        assertThat(p.get("kind").asText()).isEqualTo("deploy_failed");
        assertThat(p.get("severity").asText()).isEqualTo("critical");
        assertThat(p.get("fields").get("failed").asText()).isEqualTo("24h/ivfpq");
        assertThat(headers.getFirst().get("X-faissrebuild-signature")).containsExactly("sha256=" + WebhookChannel.sign("s3cret", body));
        assertThat(headers.getFirst().get("X-team")).containsExactly("forecasting");
    }

    @Test
    void anHttpErrorIsAFailure() {
        failuresToServe.set(1);
        assertThatThrownBy(() -> new WebhookChannel(url("/hook"), null, Map.of(), poster).send(notification(failed())))
                .hasMessageContaining("answered 500");
    }

    @Test
    void emailGoesThroughARealSmtpServer() throws Exception {
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        try {
            new EmailChannel("127.0.0.1", smtp.getSmtp().getPort(), false, "", null, "faiss-rebuild@example.org",
                    List.of("oncall@example.org", "ops@example.org")).send(notification(failed()));
            assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
            MimeMessage m = smtp.getReceivedMessages()[0];
            assertThat(m.getSubject()).isEqualTo("[faiss-rebuild] CRITICAL: Rebuild r1 deployed nothing");
            assertThat(m.getFrom()[0].toString()).isEqualTo("faiss-rebuild@example.org");
            assertThat(((String) m.getContent())).contains("recall@10 0.81").contains("failed: 24h/ivfpq");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aRetryAfterOneChannelFailedDoesNotResendToTheOthers() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Channel flaky = new Channel() {
            public String name() {
                return "flaky";
            }

            public void send(Notification n) throws Exception {
                if (calls.incrementAndGet() == 1) throw new java.io.IOException("connection refused");
            }
        };
        NotifyStep step = new NotifyStep(List.of(new SlackChannel(url("/s"), "", "", poster), flaky), Notification.Severity.INFO,
                new SimpleMeterRegistry());
        Incoming in = new Incoming("faiss.index.deployed", 0, 7, "r1", failed());
        assertThatThrownBy(() -> step.process(in)).hasMessageContaining("not delivered by flaky: java.io.IOException: connection refused");
        step.process(in); // the loop's retry
        assertThat(bodies).hasSize(1);
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void channelsBelowTheMinimumSeverityAreSkippedButTheLogAlwaysGetsIt() throws Exception {
        GenerationDeployed ok = GenerationDeployed.newBuilder().setRebuildId("r2").setGenerationId("g2").setPreviousGenerationId("g1")
                .setTrigger(TriggerType.MANUAL).setFiles(List.of()).setBackupId(null).setSwapMillis(1).setRebuildSeconds(5)
                .setDeployedAt(Instant.now()).build();
        NotifyStep step = new NotifyStep(List.of(new LogChannel(), new SlackChannel(url("/s"), "", "", poster)),
                Notification.Severity.WARNING, new SimpleMeterRegistry());
        step.process(new Incoming("faiss.index.deployed", 0, 1, "r2", ok));
        assertThat(bodies).isEmpty();
        step.process(new Incoming("faiss.index.deployed", 0, 2, "r1", failed()));
        assertThat(bodies).hasSize(1);
    }
}
