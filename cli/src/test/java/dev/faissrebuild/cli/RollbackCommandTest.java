package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.kafka.EmbeddedKafka;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.kafka.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackCommandTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;
    IndicesLayout layout;
    GenerationManifest g1;
    GenerationManifest g2;
    GenerationManifest g3;

    @BeforeEach
    void setUp() {
        layout = new IndicesLayout(dir.resolve("indices"));
        g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        g2 = TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400), List.of(IndexKey.parse("6h/flatip")), 2);
        g3 = TestGenerations.deploy(layout, "r20250603T020000Z-cccccc", T0.plusSeconds(2 * 86400), List.of(IndexKey.parse("6h/ivfpq")), 3);
    }

    CliRun cli(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dir.toString()));
        return CliRun.run(stdin, all.toArray(String[]::new));
    }

    @Test
    void toThePreviousGenerationWithoutKafka() {
        CliRun r = cli("", "rollback", "--force");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("rolled back: live generation is now " + g2.generationId() + " (was " + g3.generationId() + ")")
                .contains("note: Kafka is not reachable, so no RolledBack event was published (no running faiss-rebuild found");
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g2.generationId())));
    }

    @Test
    void toANamedGenerationAfterConfirmation() {
        CliRun no = cli("no\n", "rollback", "--to", g1.generationId());
        assertThat(no.code()).isEqualTo(1);
        assertThat(no.out()).contains("Roll back from live generation " + g3.generationId() + " to " + g1.generationId() + " (created ");
        assertThat(layout.liveGenerationId()).contains(g3.generationId());

        CliRun yes = cli("y\n", "rollback", "--to", g1.generationId());
        assertThat(yes.code()).as(yes.err()).isZero();
        assertThat(layout.liveGenerationId()).contains(g1.generationId());

        CliRun unknown = cli("", "rollback", "--to", "g20990101T000000Z-none", "--force");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.errorLines()).startsWith("faiss-rebuild rollback: generation g20990101T000000Z-none does not exist")
                .doesNotContain("\tat ");
        CliRun escape = cli("", "rollback", "--to", "../generations/x", "--force");
        assertThat(escape.code()).isEqualTo(1);
        assertThat(escape.errorLines()).contains("generation id '../generations/x' is not allowed");
    }

    @Test
    void publishesRolledBackWhenKafkaIsReachable() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicAdmin.ensureTopics(kafka.bootstrapServers(), Topics.all());
            Path config = Files.writeString(dir.resolve("config.json"),
                    "{\"kafka\": {\"bootstrap_servers\": \"" + kafka.bootstrapServers() + "\"}}");

            CliRun r = cli("", "rollback", "--force", "--reason", "bad recall in production", "--config", config.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("RolledBack event rb-").contains("published to " + Topics.INDEX_DEPLOYED);
            RolledBack event = (RolledBack) readOne(kafka.bootstrapServers());
            assertThat(event.getFromGenerationId()).isEqualTo(g3.generationId());
            assertThat(event.getToGenerationId()).isEqualTo(g2.generationId());
            assertThat(event.getAutomatic()).isFalse();
            assertThat(event.getReason()).isEqualTo("bad recall in production");
        }
    }

    private static SpecificRecord readOne(String bootstrap) throws Exception {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.of(bootstrap).consumer("test", "test-rollback"))) {
            c.subscribe(List.of(Topics.INDEX_DEPLOYED));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(500))) return EventSerde.standard().decode(rec.value());
            }
        }
        throw new AssertionError("no event on " + Topics.INDEX_DEPLOYED);
    }
}
