package dev.faissrebuild.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.events.TopicSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TopicAdmin against a real embedded broker (named EmbeddedKafka* so it runs with the broker tests). */
class EmbeddedKafkaTopicAdminTest {
    @TempDir
    static Path dataDir;
    static EmbeddedKafka kafka;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dataDir);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    void growsTopicsButNeverShrinksThem() throws Exception {
        ensure(new TopicSpec("grow", 2));
        assertThat(partitions("grow")).isEqualTo(2);
        ensure(new TopicSpec("grow", 5));
        assertThat(partitions("grow")).isEqualTo(5);
        ensure(new TopicSpec("grow", 3));
        assertThat(partitions("grow")).isEqualTo(5);
    }

    @Test
    void concurrentCallersAllSucceed() throws Exception {
        List<TopicSpec> created = IntStream.range(0, 6).mapToObj(i -> new TopicSpec("race-" + i, 1 + i)).toList();
        ensureConcurrently(created); // races on creation
        List<TopicSpec> grown = created.stream().map(t -> new TopicSpec(t.name(), t.partitions() + 2)).toList();
        ensureConcurrently(grown); // races on growing
        for (TopicSpec t : grown) assertThat(partitions(t.name())).as(t.name()).isEqualTo(t.partitions());
    }

    @Test
    void theOperatorsClientPropertiesReachTheAdmin() {
        TopicAdmin.ensureTopics(new KafkaSettings(kafka.bootstrapServers(), Map.of("client.id", "operator-admin")), List.of(new TopicSpec("props", 2)));
        assertThatThrownBy(() -> TopicAdmin.ensureTopics(new KafkaSettings(kafka.bootstrapServers(), Map.of("security.protocol", "NONSENSE")),
                List.of(new TopicSpec("never", 1)))).isInstanceOf(org.apache.kafka.common.KafkaException.class).hasMessageContaining("security.protocol");
    }

    /** Four callers at once, each with its own Admin client, as separate processes would be. */
    private static void ensureConcurrently(List<TopicSpec> topics) throws Exception {
        CompletableFuture<?>[] callers = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.runAsync(() -> TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics)))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(callers).get();
    }

    private static void ensure(TopicSpec spec) {
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(spec));
    }

    private static int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }
}
