package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.faissrebuild.events.Alert;
import dev.faissrebuild.events.AlertState;
import dev.faissrebuild.events.TopicSpec;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger's state (status, rebuild history, cool-down, firing alerts) lives in its compacted state
 * topic, not in the event topics: with the events' retention cut to a second and every event gone,
 * a restarted system shows the same status, metrics and cool-down, and does not announce an alert twice.
 * Alerts reach people: a real HTTP receiver gets each firing and resolved transition once.
 */
class DurableStateTest {
    @TempDir Path dir;
    RunningSystem system;
    HttpServer receiver;
    final List<String> webhooks = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (system != null) system.close();
        if (receiver != null) receiver.stop(0);
    }

    @Test
    void statusMetricsAndCooldownOutliveRetentionAndARestart() throws Exception {
        startReceiver();
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false, "max_consecutive_failures": 3, "failure_cooldown_hours": 24,
                               "notification_channels": ["log", "webhook"]},
                 "notifications": {"min_severity": "WARNING",
                                   "webhooks": [{"url": "http://127.0.0.1:%d/hook", "secret_env": "", "headers": {}}]}}
                """.formatted(receiver.getAddress().getPort()), FaissRebuildConfig::withEphemeralPorts);
        assertThat(system.rebuild(null, null).deployed()).isTrue(); // the first deployment needs every index
        system.failingRebuilds(3, "6", "flatip");
        awaitFiring("FAISSRebuildConsecutiveFailures");
        awaitWebhook("FAISSRebuildConsecutiveFailures firing");

        JsonNode before = system.json(system.apiUrl("/status"));
        assertThat(before.get("consecutive_failures").asInt()).isEqualTo(3);
        assertThat(before.get("cooldown").get("active").asBoolean()).isTrue();
        Map<String, Double> gaugesBefore = gauges();
        assertThat(gaugesBefore.get("faiss_rebuild_consecutive_failures")).isEqualTo(3.0);
        assertThat(gaugesBefore.get("faiss_rebuild_cooldown_remaining_seconds")).isGreaterThan(23 * 3600.0);
        long firingBefore = alerts(AlertState.FIRING, "FAISSRebuildConsecutiveFailures");
        assertThat(firingBefore).isEqualTo(1);

        List<String> eventTopics = Topics.all().stream().map(TopicSpec::name).filter(t -> !t.equals(Topics.REBUILD_STATE)).toList();
        expireEvents(eventTopics);
        system.restart();

        JsonNode after = system.json(system.apiUrl("/status"));
        for (String field : List.of("consecutive_failures", "cooldown", "recent_rebuilds", "last_outcome_per_index")) {
            assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
        }
        Map<String, Double> gaugesAfter = gauges();
        gaugesAfter.remove("faiss_rebuild_cooldown_remaining_seconds");
        assertThat(gaugesAfter).containsAllEntriesOf(withoutCooldown(gaugesBefore));
        assertThat(gauges().get("faiss_rebuild_cooldown_remaining_seconds")).isGreaterThan(23 * 3600.0);
        // a new process counts from 0, and every series is there to count from
        assertThat(system.metric("faiss_rebuild_total{status=\"failure\",trigger_type=\"manual\"}")).hasValue(0.0);
        Thread.sleep(3 * 2_000); // three alert ticks: the alert still fires and is not announced again
        assertThat(alerts(AlertState.FIRING, "FAISSRebuildConsecutiveFailures")).isZero(); // the old event expired; no new one
        assertThat(webhooks.stream().filter(w -> w.contains("FAISSRebuildConsecutiveFailures firing")).count()).isEqualTo(1);

        // the system goes on after its events vanished: a success ends the failures, the cool-down and the alert
        assertThat(system.rebuild("6", "flatip").deployed()).isTrue();
        JsonNode recovered = system.json(system.apiUrl("/status"));
        assertThat(recovered.get("consecutive_failures").asInt()).isZero();
        assertThat(recovered.get("cooldown").get("active").asBoolean()).isFalse();
        awaitWebhook("FAISSRebuildConsecutiveFailures resolved");
        assertThat(alerts(AlertState.RESOLVED, "FAISSRebuildConsecutiveFailures")).isEqualTo(1);
    }

    private Map<String, Double> gauges() throws Exception {
        Map<String, Double> out = new HashMap<>();
        for (String name : List.of("faiss_rebuild_consecutive_failures", "faiss_rebuild_last_success_timestamp",
                "faiss_rebuild_first_start_timestamp", "faiss_rebuild_cooldown_remaining_seconds")) {
            out.put(name, system.metric(name).orElseThrow(() -> new AssertionError(name + " is not exported")));
        }
        return out;
    }

    private static Map<String, Double> withoutCooldown(Map<String, Double> m) {
        Map<String, Double> copy = new HashMap<>(m);
        copy.remove("faiss_rebuild_cooldown_remaining_seconds");
        return copy;
    }

    private long alerts(AlertState state, String name) {
        return system.events(Topics.ALERTS).stream().filter(Alert.class::isInstance).map(Alert.class::cast)
                .filter(a -> a.getState() == state && a.getName().equals(name)).count();
    }

    private void awaitFiring(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (alerts(AlertState.FIRING, name) == 0) {
            if (System.nanoTime() > deadline) throw new AssertionError(name + " was not published on " + Topics.ALERTS);
            Thread.sleep(500);
        }
    }

    private void awaitWebhook(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (webhooks.stream().noneMatch(w -> w.contains(text))) {
            if (System.nanoTime() > deadline) throw new AssertionError("no webhook with '" + text + "'; got " + webhooks);
            Thread.sleep(200);
        }
    }

    private void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        receiver.createContext("/hook", exchange -> {
            webhooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    /** Sets a 1 s retention on every event topic and waits until the broker has deleted all their events. */
    private void expireEvents(List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", system.kafka().bootstrapServers()))) {
            Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
            for (String t : topics) {
                ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(
                        new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("segment.ms", "1000"), AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(ops).all().get();
            List<TopicPartition> parts = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((t, d) -> d.partitions().forEach(p -> parts.add(new TopicPartition(t, p.partition()))));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                var first = admin.listOffsets(parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest()))).all().get();
                var last = admin.listOffsets(parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
                List<TopicPartition> left = parts.stream().filter(p -> first.get(p).offset() < last.get(p).offset()).toList();
                if (left.isEmpty()) return;
                if (System.nanoTime() > deadline) throw new AssertionError("retention did not remove the events of " + left);
                Thread.sleep(500);
            }
        }
    }
}
