package dev.faissrebuild.runtime.kafka;

import static dev.faissrebuild.runtime.kafka.KafkaTestClients.admin;
import static dev.faissrebuild.runtime.kafka.KafkaTestClients.consumer;
import static dev.faissrebuild.runtime.kafka.KafkaTestClients.millisSince;
import static dev.faissrebuild.runtime.kafka.KafkaTestClients.poll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.TopicSpec;
import dev.faissrebuild.events.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real broker on a temp dir: topics, transactions, read_committed groups, and a restart on the same dir. */
class EmbeddedKafkaTest {
    private static final String TOPIC = Topics.REBUILD_REQUESTED;
    private static final String KEY = "24h/ivfpq"; // one key: one partition, so the order is defined
    private static final String GROUP = "builders";

    @TempDir
    Path dataDir;

    @Test
    void keepsTopicsRecordsAndOffsetsAcrossRestart() throws Exception {
        long t0 = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir);
        long coldMs = millisSince(t0);
        String bootstrap = kafka.bootstrapServers();
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (kafka) {
            assertThat(kafka.dataDir()).isEqualTo(dataDir.toAbsolutePath());
            TopicAdmin.ensureTopics(bootstrap, Topics.all());
            TopicAdmin.ensureTopics(bootstrap, Topics.all()); // idempotent
            assertPartitions(bootstrap);

            try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
                producer.initTransactions();
                inTransaction(producer, true, "a1", "a2", "a3");
                inTransaction(producer, false, "aborted");
                inTransaction(producer, true, "b1");
                try (KafkaConsumer<String, String> consumer = consumer(bootstrap, GROUP, TOPIC)) {
                    // b1 lies behind the aborted record in the log: seeing it proves the abort was skipped
                    assertThat(poll(consumer, 4)).containsExactly("a1", "a2", "a3", "b1");
                    consumer.commitSync();
                }
                inTransaction(producer, true, "c1", "c2"); // written, not yet consumed by the group
            }
            committed = committedOffsets(bootstrap);
            assertThat(committed).isNotEmpty();
        }
        long t1 = System.nanoTime();
        try (EmbeddedKafka again = EmbeddedKafka.start(dataDir)) {
            long restartMs = millisSince(t1);
            assertThat(again.bootstrapServers()).isEqualTo(bootstrap);
            assertPartitions(bootstrap);
            assertThat(committedOffsets(bootstrap)).isEqualTo(committed);
            try (KafkaConsumer<String, String> consumer = consumer(bootstrap, GROUP, TOPIC)) {
                assertThat(poll(consumer, 2)).containsExactly("c1", "c2"); // resumes after the committed offset
            }
            try (KafkaConsumer<String, String> fresh = consumer(bootstrap, "auditors", TOPIC)) {
                assertThat(poll(fresh, 6)).containsExactly("a1", "a2", "a3", "b1", "c1", "c2");
            }
            long t2 = System.nanoTime();
            again.close();
            System.out.printf("EmbeddedKafka cold start %d ms (format + start), restart on the same dir %d ms, clean shutdown %d ms%n",
                    coldMs, restartMs, millisSince(t2));
        }
    }

    private static void assertPartitions(String bootstrap) throws Exception {
        List<String> names = Topics.all().stream().map(TopicSpec::name).toList();
        try (Admin admin = admin(bootstrap)) {
            Map<String, Integer> actual = admin.describeTopics(names).allTopicNames().get().values().stream()
                    .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
            assertThat(actual).isEqualTo(Topics.all().stream().collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions)));
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test"),
                new StringSerializer(), new StringSerializer());
    }

    private static void inTransaction(KafkaProducer<String, String> producer, boolean commit, String... values) {
        producer.beginTransaction();
        for (String v : values) producer.send(new ProducerRecord<>(TOPIC, KEY, v));
        producer.flush(); // the records reach the log before the abort marker, so the consumer must skip them
        if (commit) producer.commitTransaction();
        else producer.abortTransaction();
    }
}
