package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.DeadLetters;
import dev.faissrebuild.testing.PythonFaiss;
import dev.faissrebuild.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a real in-process Kafka broker, real FAISS and real files: commands in,
 * generations out, failures kept and reported. Tests run in order on one system, as an operator would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineTest {
    static final int ROWS = 2500;
    static final int DIM = 32;
    @TempDir static Path dir;
    static RunningSystem system;
    static FaissRebuildConfig config;
    static IndicesLayout layout;
    static String firstGeneration;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start(dir, ROWS, DIM, "{\"scheduler\": {\"enabled\": false}}", FaissRebuildConfig::withEphemeralPorts);
        config = system.config;
        layout = system.layout;
    }

    @AfterAll
    static void stop() {
        if (system != null) system.close();
    }

    static RebuildWatch.Result rebuild(String horizons, String types) {
        return system.rebuild(horizons, types);
    }

    static KafkaSettings kafka() {
        return system.kafka();
    }

    @Test
    @Order(1)
    void aManualCommandBuildsValidatesAndDeploysAllEightIndices() throws Exception {
        long builtBefore = count(Topics.INDEX_BUILT);
        RebuildWatch.Result r = rebuild(null, null);
        assertThat(r.deployed()).as(r.finals().toString()).isTrue();
        GenerationDeployed deployed = (GenerationDeployed) r.finals().getFirst();
        firstGeneration = deployed.getGenerationId();
        assertThat(deployed.getFiles()).hasSize(8);
        assertThat(r.validated()).hasSize(8);
        // the event is on its topic for every consumer, not only in our watch
        assertThat(events(Topics.INDEX_DEPLOYED)).anySatisfy(e -> assertThat(e).isInstanceOf(GenerationDeployed.class)
                .extracting(x -> ((GenerationDeployed) x).getGenerationId()).isEqualTo(firstGeneration));
        // built in parallel: at least two builds overlapped in time
        List<IndexBuilt> builds = events(Topics.INDEX_BUILT).stream().skip(builtBefore).filter(IndexBuilt.class::isInstance)
                .map(IndexBuilt.class::cast).toList();
        assertThat(builds).hasSize(8);
        assertThat(overlapping(builds)).isTrue();
        assertLiveSetIs(firstGeneration);
    }

    @Test
    @Order(2)
    void aSecondRebuildPublishesASecondGenerationAndKeepsTheFirst() throws Exception {
        RebuildWatch.Result r = rebuild(null, null);
        assertThat(r.deployed()).isTrue();
        String second = ((GenerationDeployed) r.finals().getFirst()).getGenerationId();
        assertThat(second).isNotEqualTo(firstGeneration);
        assertThat(layout.generation(firstGeneration).resolve(GenerationManifest.FILE_NAME)).exists();
        assertLiveSetIs(second);
        assertThat(GenerationManifest.read(layout.generation(second).resolve(GenerationManifest.FILE_NAME)).previousGenerationId())
                .isEqualTo(firstGeneration);
    }

    @Test
    @Order(3)
    void aCorruptEmbeddingsFileDeploysNothingAndSaysWhy() throws Exception {
        String live = layout.liveGenerationId().orElseThrow();
        Path file = config.paths().embeddings().resolve("embeddings_12h.npy");
        byte[] good = Files.readAllBytes(file);
        List<String> liveSums = liveChecksums();
        try {
            Files.write(file, Arrays.copyOf(good, good.length - 1000));
            RebuildWatch.Result r = rebuild("12", null);
            assertThat(r.deployed()).isFalse();
            DeployFailed failed = (DeployFailed) r.finals().getFirst();
            assertThat(failed.getFailedKeys()).containsExactlyInAnyOrder("12h/flatip", "12h/ivfpq");
            List<BuildFailed> buildFailures = events(Topics.INDEX_BUILT).stream().filter(BuildFailed.class::isInstance)
                    .map(BuildFailed.class::cast).filter(f -> f.getRebuildId().equals(failed.getRebuildId())).toList();
            assertThat(buildFailures).hasSize(2).allSatisfy(f -> assertThat(f.getReason()).contains(file.toString()).contains("truncated"));
            assertThat(layout.liveGenerationId()).contains(live);
            assertThat(liveChecksums()).isEqualTo(liveSums);
        } finally {
            Files.write(file, good);
        }
    }

    @Test
    @Order(4)
    void anUndecodableRecordIsDeadLetteredAndTheWorkerGoesOn() throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka().producer("test-garbage", null))) {
            p.send(new ProducerRecord<>(Topics.REBUILD_COMMANDS, "garbage", "{\"not\": \"avro\"}".getBytes())).get();
        }
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter("garbage");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).startsWith("undecodable").contains("no single-object header");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.REBUILD_COMMANDS);
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.WORKER)).isEqualTo("trigger");
        assertThat(new String(dead.value())).isEqualTo("{\"not\": \"avro\"}");
        // the trigger goes on: the next command is processed
        RebuildWatch.Result r = rebuild("6", "flatip");
        assertThat(r.deployed()).isTrue();
        GenerationDeployed d = (GenerationDeployed) r.finals().getFirst();
        assertThat(d.getFiles()).hasSize(8);
        assertThat(d.getFiles().stream().filter(f -> f.getRebuilt()).map(f -> f.getIndexKey())).containsExactly("6h/flatip");
    }

    @Test
    @Order(5)
    void healthAndMetricsAnswerOverHttp() throws Exception {
        String health = RunningSystem.get(system.healthUrl()).body();
        assertThat(health).contains("\"status\"").contains("\"component\" : \"faiss_rebuild_system\"").contains("\"active_alerts\"")
                .contains("\"alert_counts\"").contains("worker.builder");
        String metrics = system.metrics();
        assertThat(metrics).contains("faiss_rebuild_total{status=\"success\",trigger_type=\"manual\"} 3.0")
                .contains("faiss_rebuild_total{status=\"failure\",trigger_type=\"manual\"} 1.0")
                .contains("faiss_rebuild_duration_seconds_bucket{status=\"success\",le=\"14400.0\"}")
                .contains("faiss_rebuild_consecutive_failures 0.0").contains("faiss_rebuild_last_success_timestamp")
                .contains("faiss_index_recall_score{horizon=\"24h\",index_type=\"ivfpq\",set=\"live\"} 0.9")
                .contains("faiss_index_recall_score{horizon=\"24h\",index_type=\"ivfpq\",set=\"candidate\"}")
                .contains("faiss_worker_records_total{outcome=\"dead_lettered\",worker=\"trigger\"} 1.0")
                // the seed's name, kept although Micrometer strips _total from gauges
                .contains("faiss_index_size_total{horizon=\"24h\",index_type=\"ivfpq\",set=\"live\"} 2500.0")
                // series that saw no event exist at 0, so increase() counts their first event
                .contains("faiss_rebuild_total{status=\"success\",trigger_type=\"scheduled\"} 0.0")
                .contains("faiss_notifications_total{channel=\"log\",outcome=\"failed\"} 0.0");
    }

    @Test
    @Order(7)
    void theReadmeNamesEveryMetricTheSystemExports() throws Exception {
        Set<String> exported = new TreeSet<>();
        system.metrics().lines().filter(l -> l.startsWith("# TYPE faiss_")).forEach(l -> exported.add(l.split(" ")[2]));
        assertThat(ReadmeMetrics.names()).containsExactlyInAnyOrderElementsOf(exported);
    }

    @Test
    @Order(6)
    void theOperatorCommandsReadTheRunningSystem() throws Exception {
        String cfg = dir.resolve("config.json").toString();
        OfflineCommandsTest.Run status = OfflineCommandsTest.cli("status", "--json", "--data-dir", dir.toString(), "--config", cfg);
        assertThat(status.code()).as(status.err()).isZero();
        var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.out());
        assertThat(report.get("live").get("generation_id").asText()).isEqualTo(layout.liveGenerationId().orElseThrow());
        assertThat(report.get("live").get("files")).hasSize(8);
        assertThat(report.get("last_outcome_per_index").get("12h/ivfpq").get("stage").asText()).isEqualTo("BUILD_FAILED");
        assertThat(report.get("in_progress")).isEmpty();
        String base = system.healthUrl().replace("/health", "");
        OfflineCommandsTest.Run health = OfflineCommandsTest.cli("monitor", "--health", "--url", base, "--data-dir", dir.toString(), "--config", cfg);
        assertThat(health.out()).contains("\"status\"");
        assertThat(health.code()).isIn(0, 1); // healthy, or warning (a failed rebuild in the last 24 h lowers the success rate)
        // offline = pipeline: an index built by build-index passes validate-index, regression against the live one included
        Path offline = dir.resolve("offline_24h_ivfpq.faiss");
        String emb = config.paths().embeddings().resolve("embeddings_24h.npy").toString();
        assertThat(OfflineCommandsTest.cli("build-index", "--embeddings", emb, "--type", "ivfpq", "--out", offline.toString(),
                "--config", cfg).code()).isZero();
        OfflineCommandsTest.Run gates = OfflineCommandsTest.cli("validate-index", "--index", offline.toString(), "--key", "24h/ivfpq",
                "--data-dir", dir.toString(), "--config", cfg, "--json");
        assertThat(gates.code()).as(gates.out() + gates.err()).isZero();
        var judged = new com.fasterxml.jackson.databind.ObjectMapper().readTree(gates.out());
        for (var g : judged.get("gates")) {
            if (g.get("name").asText().equals("regression_recall")) assertThat(g.get("status").asText()).isEqualTo("PASSED");
        }
        OfflineCommandsTest.Run valid = OfflineCommandsTest.cli("maintenance", "validate", "--data-dir", dir.toString(), "--config", cfg);
        assertThat(valid.code()).as(valid.out() + valid.err()).isZero();
        assertThat(valid.out()).contains("is sound: 8 files present, checksums match");
    }

    private void assertLiveSetIs(String generation) throws Exception {
        assertThat(layout.liveGenerationId()).contains(generation);
        assertThat(layout.generation(generation).resolve(GenerationManifest.FILE_NAME)).isRegularFile();
        Path queries = dir.resolve("queries.npy");
        dev.faissrebuild.vectors.NpyWriter.write(queries, 5, DIM, (row, out) -> {
            try (var m = dev.faissrebuild.vectors.NpyMatrix.open(config.paths().embeddings().resolve("embeddings_6h.npy"))) {
                System.arraycopy(m.row(row * 100), 0, out, 0, DIM);
            }
        });
        for (IndexKey key : IndexKey.all()) {
            Path fixed = layout.liveFile(key);
            assertThat(fixed.toRealPath()).isEqualTo(layout.generation(generation).resolve(key.fileName()).toRealPath());
            var res = PythonFaiss.run("search", fixed.toString(), queries.toString(), "5");
            assertThat(res.get("ntotal").asLong()).isEqualTo(ROWS);
            assertThat(PythonFaiss.ids(res)[0]).hasSize(5);
        }
    }

    private List<String> liveChecksums() throws Exception {
        List<String> sums = new ArrayList<>();
        for (IndexKey key : IndexKey.all()) sums.add(Sha256.of(layout.liveFile(key).toRealPath()));
        return sums;
    }

    private static boolean overlapping(List<IndexBuilt> builds) {
        for (IndexBuilt a : builds) {
            for (IndexBuilt b : builds) {
                if (a == b) continue;
                var aStart = a.getBuiltAt().minusMillis((long) (a.getBuildSeconds() * 1000));
                if (aStart.isBefore(b.getBuiltAt()) && b.getBuiltAt().isBefore(a.getBuiltAt())) return true;
            }
        }
        return false;
    }

    static long count(String topic) throws Exception {
        return events(topic).size();
    }

    static List<SpecificRecord> events(String topic) {
        return system.events(topic);
    }

    static List<ConsumerRecord<String, byte[]>> records(String topic) {
        return RunningSystem.records(kafka(), topic);
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String key) throws InterruptedException {
        return system.awaitRecord(Topics.DEAD_LETTER, r -> key.equals(r.key()));
    }
}
