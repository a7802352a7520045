package dev.faissrebuild.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.runtime.kafka.EmbeddedKafka;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.kafka.TopicAdmin;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With Kafka and no polling, the deployer's events alone move the reader: forward on a deploy, back on a rollback. */
class KafkaSwapTest {
    @TempDir
    Path dir;

    @Test
    void followsGenerationDeployedAndRolledBack() throws Exception {
        Path root = dir.resolve("indices");
        TestGenerations gens = new TestGenerations(root);
        String first = gens.deploy(1);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TopicAdmin.ensureTopics(kafka.bootstrapServers(), Topics.all());
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            ReaderOptions options = ReaderOptions.of(root).withKafka(settings).withPollInterval(Duration.ZERO);
            try (LiveIndexSet reader = LiveIndexSet.open(options); EventPublisher publisher = new EventPublisher(settings, "test-deployer")) {
                String second = gens.deploy(2);
                Thread.sleep(300);
                assertThat(reader.generationId()).as("no event yet, no poll: still the first").contains(first);

                long t0 = System.nanoTime();
                publish(publisher, GenerationDeployed.newBuilder().setRebuildId("rebuild-2").setGenerationId(second)
                        .setPreviousGenerationId(first).setTrigger(TriggerType.MANUAL).setFiles(List.of()).setBackupId(null)
                        .setSwapMillis(1.0).setRebuildSeconds(1.0).setDeployedAt(Instant.now()).build());
                LiveIndexSetTest.awaitGeneration(reader, second);
                System.out.printf("kafka: GenerationDeployed published -> reader serving it in %.1f ms (first publish: producer start-up included)%n",
                        (System.nanoTime() - t0) / 1e6);

                gens.switchTo(first);
                t0 = System.nanoTime();
                publish(publisher, RolledBack.newBuilder().setRollbackId("rb-1").setRebuildId("rebuild-2").setFromGenerationId(second)
                        .setToGenerationId(first).setReason("test").setAutomatic(false).setRolledBackAt(Instant.now()).build());
                LiveIndexSetTest.awaitGeneration(reader, first);
                System.out.printf("kafka: RolledBack published -> reader serving it in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
                assertThat(reader.stats()).extracting(ReaderStats::swaps, ReaderStats::failedSwaps).containsExactly(2L, 0L);
                LiveIndexSetTest.awaitOneOpenGeneration(reader);
            }
        }
    }

    private static void publish(EventPublisher publisher, SpecificRecord event) {
        publisher.publish(List.of(new Outgoing(Topics.INDEX_DEPLOYED, "rebuild-2", event)));
    }
}
