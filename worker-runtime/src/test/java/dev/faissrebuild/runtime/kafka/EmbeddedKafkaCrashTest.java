package dev.faissrebuild.runtime.kafka;

import static dev.faissrebuild.runtime.kafka.KafkaTestClients.consumer;
import static dev.faissrebuild.runtime.kafka.KafkaTestClients.millisSince;
import static dev.faissrebuild.runtime.kafka.KafkaTestClients.poll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.TopicSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker killed with SIGKILL (in a child JVM: the only way to really crash it) restarts on the same dir
 * without waiting out the dead incarnation's broker session, on the same address, with acknowledged records.
 */
class EmbeddedKafkaCrashTest {
    private static final String TOPIC = "crash";

    @TempDir
    Path dataDir;

    @Test
    void restartsQuicklyAfterAKill() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        String bootstrap;
        try {
            bootstrap = readyLine(child).get(120, TimeUnit.SECONDS);
            TopicAdmin.ensureTopics(bootstrap, List.of(new TopicSpec(TOPIC, 1)));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "k", "before the crash")).get();
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no controlled shutdown, no flush
            child.waitFor(30, TimeUnit.SECONDS);
        }

        long t0 = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            System.out.printf("EmbeddedKafka restart after SIGKILL %d ms%n", millisSince(t0));
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "after-crash", TOPIC)) {
                assertThat(poll(consumer, 1)).containsExactly("before the crash");
            }
        }
    }

    /** Drains the child's output for good (a full pipe would block its logging threads) and finds READY. */
    private static CompletableFuture<String> readyLine(Process child) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("READY ")) ready.complete(line.substring("READY ".length()));
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("child broker exited before it was ready"));
        });
        return ready;
    }

    /** The child JVM: starts a broker, says where, and waits to be killed. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]));
            System.out.println("READY " + kafka.bootstrapServers());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
