package dev.faissrebuild.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.Alert;
import dev.faissrebuild.events.AlertState;
import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.Severity;
import dev.faissrebuild.events.TopicSpec;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.kafka.EmbeddedKafka;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.kafka.TopicAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared loop on a real broker: retries, dead letters, long tasks, parallel partitions, graceful stop,
 * and a restart that takes its dead predecessor's place (group membership, open transaction) at once.
 */
class WorkerLoopTest {
    @TempDir static Path dir;
    static EmbeddedKafka kafka;
    static KafkaSettings settings;
    static final EventSerde SERDE = EventSerde.standard();
    static final AtomicInteger topicSeq = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(new TopicSpec(Topics.DEAD_LETTER, 1)));
        Map<String, String> extra = new HashMap<>();
        extra.put("max.poll.interval.ms", "4000"); // a long task must outlast this without losing its partition
        settings = new KafkaSettings(kafka.bootstrapServers(), extra);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static Alert alert(String name) {
        return Alert.newBuilder().setAlertId(name).setName(name).setSeverity(Severity.INFO).setState(AlertState.FIRING)
                .setSummary("s").setDescription("d").setLabels(Map.of()).setSource("test").setRaisedAt(Instant.now()).build();
    }

    /** Fresh input and output topics per test, so tests do not see each other's records. */
    record Io(String in, String out) {}

    static Io topics(int partitions) {
        int n = topicSeq.incrementAndGet();
        Io io = new Io("test.in." + n, "test.out." + n);
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(new TopicSpec(io.in, partitions), new TopicSpec(io.out, partitions)));
        return io;
    }

    static void send(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(settings.producer("test-sender", null))) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Echo: publishes the incoming alert's name on the output topic. */
    static EventProcessor echo(Io io, EventProcessor before) {
        return in -> {
            before.process(in);
            return List.of(new Outgoing(io.out, in.key(), alert("done-" + ((Alert) in.event()).getName())));
        };
    }

    static List<ConsumerRecord<String, byte[]>> read(String topic, int atLeast, Duration wait) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(settings.consumer("reader", null))) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && out.size() < atLeast) c.poll(Duration.ofMillis(100)).forEach(out::add);
            c.poll(Duration.ofMillis(500)).forEach(out::add); // anything extra (a duplicate) shows up too
            return out;
        }
    }

    static WorkerLoop loop(String name, Io io, EventProcessor p, int concurrency, boolean transactional) {
        WorkerSpec spec = WorkerSpec.of(name, List.of(io.in), p).withConcurrency(concurrency).withRetries(3, Duration.ofMillis(50));
        if (transactional) spec = spec.transactional(name + "-tx");
        return WorkerLoop.start(spec, settings, new SimpleMeterRegistry(), Duration.ofSeconds(20));
    }

    @Test
    void aTransientFailureIsRetriedAndTheOutputPublishedOnce() throws Exception {
        Io io = topics(1);
        AtomicInteger attempts = new AtomicInteger();
        try (WorkerLoop l = loop("flaky", io, echo(io, in -> {
            if (attempts.incrementAndGet() < 3) throw new IllegalStateException("disk busy");
            return List.of();
        }), 1, true)) {
            send(io.in, "k", SERDE.encode(alert("a")));
            assertThat(read(io.out, 1, Duration.ofSeconds(20))).hasSize(1);
            assertThat(attempts.get()).isEqualTo(3);
        }
    }

    @Test
    void invalidEventsAndExhaustedRetriesAreDeadLetteredWithTheirReason() throws Exception {
        Io io = topics(1);
        try (WorkerLoop l = loop("picky", io, echo(io, in -> {
            String name = ((Alert) in.event()).getName();
            if (name.equals("bad")) throw new PermanentFailure("name 'bad' is not allowed");
            if (name.equals("doomed")) throw new IllegalStateException("always fails");
            return List.of();
        }), 1, true)) {
            send(io.in, "bad", SERDE.encode(alert("bad")));
            send(io.in, "doomed", SERDE.encode(alert("doomed")));
            send(io.in, "junk", new byte[] {1, 2, 3});
            send(io.in, "good", SERDE.encode(alert("good")));
            List<ConsumerRecord<String, byte[]>> out = read(io.out, 1, Duration.ofSeconds(20));
            assertThat(out).extracting(ConsumerRecord::key).containsExactly("good");
            Map<String, String> reasons = new ConcurrentHashMap<>();
            read(Topics.DEAD_LETTER, 3, Duration.ofSeconds(20)).stream().filter(r -> io.in.equals(DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC)))
                    .forEach(r -> reasons.put(r.key(), DeadLetters.header(r.headers(), DeadLetters.REASON)));
            assertThat(reasons).containsEntry("bad", "invalid event: name 'bad' is not allowed");
            assertThat(reasons.get("doomed")).startsWith("failed after 3 attempt(s)").contains("always fails");
            assertThat(reasons.get("junk")).startsWith("undecodable");
        }
    }

    @Test
    void aTaskLongerThanMaxPollIntervalKeepsItsPartitionAndPublishesOnce() throws Exception {
        Io io = topics(1);
        try (WorkerLoop l = loop("slow", io, echo(io, in -> {
            Thread.sleep(9_000); // more than twice max.poll.interval.ms
            return List.of();
        }), 1, true)) {
            send(io.in, "k", SERDE.encode(alert("slow")));
            assertThat(read(io.out, 1, Duration.ofSeconds(40))).hasSize(1);
            Thread.sleep(2_000);
            assertThat(read(io.out, 2, Duration.ofSeconds(2))).as("no second run after a rebalance").hasSize(1);
        }
    }

    @Test
    void differentPartitionsAreProcessedInParallelUpToTheConcurrency() throws Exception {
        Io io = topics(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (WorkerLoop l = loop("parallel", io, echo(io, in -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(1_500);
            running.decrementAndGet();
            return List.of();
        }), 2, false)) {
            for (int i = 0; i < 4; i++) {
                try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(settings.producer("s", null))) {
                    p.send(new ProducerRecord<>(io.in, i, "k" + i, SERDE.encode(alert("p" + i)))).get();
                }
            }
            assertThat(read(io.out, 4, Duration.ofSeconds(30))).hasSize(4);
            assertThat(peak.get()).isEqualTo(2);
        }
    }

    @Test
    void closingFinishesTheTaskInFlightWithinTheGracePeriod() throws Exception {
        Io io = topics(1);
        AtomicInteger started = new AtomicInteger();
        WorkerLoop l = loop("graceful", io, echo(io, in -> {
            started.incrementAndGet();
            Thread.sleep(2_000);
            return List.of();
        }), 1, true);
        send(io.in, "k", SERDE.encode(alert("g")));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (started.get() == 0 && System.nanoTime() < deadline) Thread.sleep(50);
        l.close();
        assertThat(read(io.out, 1, Duration.ofSeconds(10))).hasSize(1);
    }

    /** The alert names on {@code records}, sorted. */
    static String values(List<ConsumerRecord<String, byte[]>> records) throws Exception {
        List<String> names = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) names.add(((Alert) SERDE.decode(r.value())).getName().toString());
        return names.stream().sorted().toList().toString();
    }

    @Test
    void aRestartUnderTheSameGroupInstanceIdResumesAtOnceInsteadOfAfterTheDeadMembersSession() throws Exception {
        Io io = topics(2);
        java.util.Properties dead = settings.consumer("dead", "static-group");
        dead.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "static-1");
        KafkaConsumer<String, byte[]> predecessor = new KafkaConsumer<>(dead);
        predecessor.subscribe(List.of(io.in));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (predecessor.assignment().size() < 2 && System.nanoTime() < deadline) predecessor.poll(Duration.ofMillis(100));
        assertThat(predecessor.assignment()).hasSize(2);
        // as a kill -9 leaves it: a member of the group (both partitions) that will never heartbeat again
        predecessor.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));

        long started = System.nanoTime();
        WorkerSpec spec = WorkerSpec.of("restarted", List.of(io.in), echo(io, in -> List.of())).withGroup("static-group")
                .withGroupInstanceId("static-1");
        try (WorkerLoop l = WorkerLoop.start(spec, settings, new SimpleMeterRegistry(), Duration.ofSeconds(20))) {
            for (int p = 0; p < 2; p++) {
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producer("s", null))) {
                    producer.send(new ProducerRecord<>(io.in, p, "k" + p, SERDE.encode(alert("r" + p)))).get();
                }
            }
            // the dead member's session would last 45 s (the consumer default); its successor takes its place now
            assertThat(values(read(io.out, 2, Duration.ofSeconds(10)))).isEqualTo("[done-r0, done-r1]");
            System.out.printf("static member restarted: both partitions resumed in %d ms%n", Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
    }

    @Test
    void aRestartUnderTheSameTransactionalIdAbortsWhatItsPredecessorLeftOpen() throws Exception {
        Io io = topics(1);
        send(io.in, "k", SERDE.encode(alert("a")));
        // the predecessor died between sending its outputs with the record's offset and committing them
        KafkaProducer<String, byte[]> predecessor = new KafkaProducer<>(settings.producer("dead", "restart-tx"));
        predecessor.initTransactions();
        predecessor.beginTransaction();
        predecessor.send(new ProducerRecord<>(io.out, "k", SERDE.encode(alert("ghost"))));
        predecessor.sendOffsetsToTransaction(Map.of(new TopicPartition(io.in, 0), new OffsetAndMetadata(1)),
                new ConsumerGroupMetadata("restart-tx-group"));
        predecessor.flush();
        try {
            long started = System.nanoTime();
            WorkerSpec spec = WorkerSpec.of("restart-tx", List.of(io.in), echo(io, in -> List.of())).withGroup("restart-tx-group")
                    .transactional("restart-tx");
            try (WorkerLoop l = WorkerLoop.start(spec, settings, new SimpleMeterRegistry(), Duration.ofSeconds(20))) {
                // until the open transaction ends, read_committed readers stop before it and the group's offset is
                // pending: with another id that lasts transaction.timeout.ms (60 s); the same id aborts it on start
                assertThat(values(read(io.out, 1, Duration.ofSeconds(10)))).isEqualTo("[done-a]");
                System.out.printf("same transactional id: predecessor's transaction aborted, record redone in %d ms%n",
                        Duration.ofNanos(System.nanoTime() - started).toMillis());
            }
        } finally {
            predecessor.close(Duration.ZERO);
        }
    }
}
