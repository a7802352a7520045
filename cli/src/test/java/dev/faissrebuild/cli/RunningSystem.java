package dev.faissrebuild.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
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
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A whole faiss-rebuild system for a test: weather-like embeddings, a config file, the all-in-one
 * {@link LocalSystem} (embedded Kafka, five services), and what a test does to it: rebuild, restart,
 * read topics, read its HTTP endpoints.
 */
final class RunningSystem implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final Path dir;
    final FaissRebuildConfig config;
    final IndicesLayout layout;
    private final Set<LocalSystem.Service> services;
    private LocalSystem system;

    private RunningSystem(Path dir, FaissRebuildConfig config, Set<LocalSystem.Service> services) throws Exception {
        this.dir = dir;
        this.config = config;
        this.layout = new IndicesLayout(config.paths().indices());
        this.services = services;
        this.system = LocalSystem.start(config, services);
    }

    /**
     * Writes {@code rows} x {@code dim} embeddings for every horizon and {@code configJson} to
     * {@code dir/config.json}, then starts; {@code adjust} may change the loaded config (ports).
     */
    static RunningSystem start(Path dir, int rows, int dim, String configJson, UnaryOperator<FaissRebuildConfig> adjust) throws Exception {
        return start(dir, rows, dim, configJson, adjust, EnumSet.allOf(LocalSystem.Service.class));
    }

    /** As above, with some of the services only: a test runs the others as processes of their own. */
    static RunningSystem start(Path dir, int rows, int dim, String configJson, UnaryOperator<FaissRebuildConfig> adjust,
                               Set<LocalSystem.Service> services) throws Exception {
        for (Horizon h : Horizon.values()) {
            TestData.weatherLike(dir.resolve("embeddings").resolve(new IndexKey(h, IndexType.FLATIP).embeddingsFileName()), rows, dim, h.hours());
        }
        Path cfg = Files.writeString(dir.resolve("config.json"), configJson);
        return new RunningSystem(dir, adjust.apply(ConfigLoader.load(cfg, dir)), services);
    }

    /** Stops every service and the broker, then starts them again on the same data dir. */
    void restart() throws Exception {
        system.close();
        system = LocalSystem.start(config, services);
    }

    LocalSystem local() {
        return system;
    }

    KafkaSettings kafka() {
        return system.runtime().kafka();
    }

    /** A forced rebuild of the given horizons and types (null: all), followed to its end. */
    RebuildWatch.Result rebuild(String horizons, String types) {
        var command = RebuildCliCommand.command(Horizon.parseList(horizons), IndexType.parseList(types), true, "test");
        return RebuildCliCommand.publishAndFollow(kafka(), command, Duration.ofMinutes(10), new PrintWriter(new StringWriter()));
    }

    /** {@code n} rebuilds of one index that fail (its embeddings file truncated meanwhile, then put back). */
    void failingRebuilds(int n, String horizon, String type) throws Exception {
        Path file = config.paths().embeddings().resolve(IndexKey.parse(horizon + "h/" + type).embeddingsFileName());
        byte[] good = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 100));
        try {
            for (int i = 0; i < n; i++) {
                if (rebuild(horizon, type).deployed()) throw new AssertionError("a rebuild of a truncated file was deployed");
            }
        } finally {
            Files.write(file, good);
        }
    }

    String healthUrl() {
        return (String) system.endpoints().get("health_url");
    }

    String metricsUrl() {
        return (String) system.endpoints().get("metrics_url");
    }

    String apiUrl(String path) {
        return system.endpoints().get("api_url") + path;
    }

    String metrics() throws Exception {
        return get(metricsUrl()).body();
    }

    JsonNode json(String url) throws Exception {
        return JSON.readTree(get(url).body());
    }

    /** The value of the one series whose line starts with {@code series} (name and labels, exactly as exported). */
    OptionalDouble metric(String series) throws Exception {
        return metrics().lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every decodable event on a topic, read committed, from the start. */
    List<SpecificRecord> events(String topic) {
        List<SpecificRecord> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records(kafka(), topic)) {
            try {
                out.add(EventSerde.standard().decode(r.value()));
            } catch (Exception ignored) {
                // not an event
            }
        }
        return out;
    }

    static List<ConsumerRecord<String, byte[]>> records(KafkaSettings kafka, String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer("test-reader", null))) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            out.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
            return out;
        }
    }

    /** Publishes an event as any producer could, straight to a topic. */
    void publish(String topic, String key, SpecificRecord event) throws Exception {
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(kafka().producer("test-producer", null))) {
            p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, EventSerde.standard().encode(event))).get();
        }
    }

    /** The first record on {@code topic} (from the start) that {@code match} accepts, waiting up to 60 s for it. */
    ConsumerRecord<String, byte[]> awaitRecord(String topic, java.util.function.Predicate<ConsumerRecord<String, byte[]>> match) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var found = records(kafka(), topic).stream().filter(match).findFirst();
            if (found.isPresent()) return found.get();
            Thread.sleep(200);
        }
        throw new AssertionError("no matching record on " + topic + " within 60 s");
    }

    /** The first event on {@code topic} that {@code match} accepts, waiting up to 60 s for it. */
    <T extends SpecificRecord> T awaitEvent(String topic, Class<T> type, java.util.function.Predicate<T> match) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var found = events(topic).stream().filter(type::isInstance).map(type::cast).filter(match).findFirst();
            if (found.isPresent()) return found.get();
            Thread.sleep(200);
        }
        throw new AssertionError("no matching " + type.getSimpleName() + " on " + topic + " within 60 s");
    }

    @Override
    public void close() {
        if (system != null) system.close();
    }
}
