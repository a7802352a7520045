package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What on-call sees, computed by software we did not write: a real Prometheus (Debian's 2.42) scrapes a
 * running system and evaluates the rules generated from its configuration, a real Alertmanager (0.25)
 * routes what fires to a receiver this test runs, and every query of the Grafana dashboard is run.
 */
class PrometheusAlertmanagerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    final List<AutoCloseable> running = new ArrayList<>();
    final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    RunningSystem system;
    String prometheus;

    @AfterEach
    void stop() throws Exception {
        if (system != null) system.close();
        for (AutoCloseable c : running.reversed()) c.close();
    }

    @Test
    void prometheusAndAlertmanagerComputeWhatHappened() throws Exception {
        int metricsPort = ExternalProcess.freePort();
        int healthPort = ExternalProcess.freePort();
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false},
                 "monitoring": {"metrics_port": %d, "health_check_port": %d}}""".formatted(metricsPort, healthPort), c -> c);
        startMonitoring(metricsPort);
        awaitQuery("up{job=\"faiss-rebuild\"} == 1", r -> r.size() == 1, "the scrape target up");
        scrapes(2); // every series seen at 0 first: increase() counts the first event of each

        assertThat(system.rebuild(null, null).deployed()).isTrue();
        system.failingRebuilds(3, "6", "flatip");

        awaitFiring("FAISSRebuildConsecutiveFailures");
        awaitDelivered("FAISSRebuildConsecutiveFailures");
        scrapes(2);
        double failureShare = value(at("sum(increase(faiss_rebuild_total{status=\"failure\"}[24h])) / sum(increase(faiss_rebuild_total[24h]))"));
        assertThat(failureShare).isCloseTo(0.75, within(1e-9));

        system.restart();
        scrapes(3);
        assertThat(system.rebuild("6", "flatip").deployed()).isTrue();
        scrapes(2);
        assertThat(value(at("sum(increase(faiss_rebuild_total[1h]))"))).isCloseTo(5.0, within(1e-9));
        assertThat(value(at("sum(increase(faiss_rebuild_total{status=\"success\"}[1h]))"))).isCloseTo(2.0, within(1e-9));

        dashboardQueriesAllReturnData();
    }

    /** Each query of the dashboard returns data; where the test knows the value, it is that value. */
    private void dashboardQueriesAllReturnData() throws Exception {
        JsonNode dashboard = JSON.readTree(PrometheusRulesFiles.repoRoot().resolve("deploy/grafana/faiss-rebuild-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                JsonNode result = at(expr);
                assertThat(result).as(panel.path("title").asText() + ": " + expr).isNotEmpty();
                for (JsonNode series : result) {
                    if (noValueSinceRestart(series.path("metric"))) continue;
                    assertThat(series.path("value").get(1).asText()).as(expr + " " + series.path("metric")).isNotEqualTo("NaN");
                }
            }
        }
        assertThat(value(at("max(faiss_rebuild_consecutive_failures)"))).isZero();
        assertThat(value(at("sum(increase(faiss_rebuild_total{status=\"success\"}[24h])) / sum(increase(faiss_rebuild_total[24h]))")))
                .isCloseTo(0.4, within(1e-9));
        assertThat(at("faiss_index_size_total{set=\"live\"}")).hasSize(8)
                .allSatisfy(s -> assertThat(s.path("value").get(1).asDouble()).isEqualTo(1500));
        assertThat(at("faiss_index_recall_score{set=\"live\",index_type=\"flatip\"}")).hasSize(4)
                .allSatisfy(s -> assertThat(s.path("value").get(1).asDouble()).isEqualTo(1.0));
        assertThat(value(at("time() - max(faiss_rebuild_last_success_timestamp)"))).isBetween(0.0, 120.0);
    }

    /**
     * Per-index figures of the last build or candidate are NaN until this process built or validated that
     * index: no value exists. Since the restart only 6h/flatip was rebuilt, so only it must have them.
     */
    private static boolean noValueSinceRestart(JsonNode labels) {
        boolean perLastBuild = labels.path("set").asText().equals("candidate") || labels.path("__name__").asText().startsWith("faiss_rebuild_");
        boolean rebuiltSince = labels.path("horizon").asText().equals("6h") && labels.path("index_type").asText().equals("flatip");
        return perLastBuild && labels.has("horizon") && !rebuiltSince;
    }

    private void startMonitoring(int metricsPort) throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        receiver.createContext("/alertmanager", exchange -> {
            delivered.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        running.add(() -> receiver.stop(0));
        int amPort = ExternalProcess.freePort();
        Path am = Files.writeString(dir.resolve("alertmanager.yml"), """
                route: {receiver: test, group_by: [alertname], group_wait: 1s, group_interval: 1s, repeat_interval: 1h}
                receivers:
                  - name: test
                    webhook_configs: [{url: 'http://127.0.0.1:%d/alertmanager', send_resolved: true}]
                """.formatted(receiver.getAddress().getPort()));
        running.add(ExternalProcess.start(dir.resolve("alertmanager.log"), List.of("prometheus-alertmanager", "--config.file=" + am,
                "--storage.path=" + dir.resolve("am-data"), "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address="))
                .awaitReady("http://127.0.0.1:" + amPort + "/-/ready", Duration.ofSeconds(30)));
        Files.writeString(dir.resolve("rules.yml"), PrometheusRulesFiles.rules(system.config));
        int promPort = ExternalProcess.freePort();
        Path prom = Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [rules.yml]
                alerting: {alertmanagers: [{static_configs: [{targets: ['127.0.0.1:%d']}]}]}
                scrape_configs:
                  - job_name: faiss-rebuild
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(amPort, metricsPort));
        running.add(ExternalProcess.start(dir.resolve("prometheus.log"), List.of("prometheus", "--config.file=" + prom,
                "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + promPort))
                .awaitReady("http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(30)));
        prometheus = "http://127.0.0.1:" + promPort;
    }

    /** The query evaluated at the time of the latest scrape (so increase() does not extrapolate past the data). */
    private JsonNode at(String query) throws Exception {
        double t = value(query("timestamp(up{job=\"faiss-rebuild\"})", null));
        return query(query, t);
    }

    private JsonNode query(String query, Double time) throws Exception {
        String url = prometheus + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + (time == null ? "" : "&time=" + time);
        JsonNode body = JSON.readTree(RunningSystem.get(url).body());
        assertThat(body.path("status").asText()).as(query + ": " + body).isEqualTo("success");
        return body.path("data").path("result");
    }

    private static double value(JsonNode result) {
        assertThat(result).as("a single value").hasSize(1);
        return result.get(0).path("value").get(1).asDouble();
    }

    private void scrapes(int n) throws Exception {
        double start = value(query("timestamp(up{job=\"faiss-rebuild\"})", null));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (value(query("count_over_time(up{job=\"faiss-rebuild\"}[1h])", null)) < 1
                || value(query("timestamp(up{job=\"faiss-rebuild\"}) - " + start, null)) < n) {
            if (System.nanoTime() > deadline) throw new AssertionError(n + " scrapes did not happen within 30 s");
            Thread.sleep(250);
        }
        awaitQuery("up{job=\"faiss-rebuild\"} == 1", r -> r.size() == 1, "the scrape target up");
    }

    private void awaitQuery(String query, Predicate<JsonNode> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.test(query(query, null))) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not seen within 60 s (" + query + ")");
            Thread.sleep(250);
        }
    }

    private void awaitFiring(String alert) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode alerts = JSON.readTree(RunningSystem.get(prometheus + "/api/v1/alerts").body()).path("data").path("alerts");
            for (JsonNode a : alerts) {
                if (a.path("labels").path("alertname").asText().equals(alert) && a.path("state").asText().equals("firing")) return;
            }
            if (System.nanoTime() > deadline) throw new AssertionError(alert + " is not firing in Prometheus: " + alerts);
            Thread.sleep(250);
        }
    }

    private void awaitDelivered(String alert) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (delivered.stream().noneMatch(d -> d.path("status").asText().equals("firing") && d.toString().contains(alert))) {
            if (System.nanoTime() > deadline) throw new AssertionError("Alertmanager did not deliver " + alert + "; got " + delivered);
            Thread.sleep(250);
        }
    }
}
