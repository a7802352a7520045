package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.events.RebuildCommand;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faiss-rebuild up} killed with SIGKILL in the middle of a rebuild (embedded broker and every
 * service in that one JVM) and started again on the same data dir resumes the interrupted builds within
 * 15 s of the restart: each worker rejoins its group under its static {@code group.instance.id}, taking
 * its dead predecessor's place at once instead of waiting out its session (45 s; 50 s measured before).
 */
class UpCrashRecoveryTest {
    private static final Duration RESUME_BUDGET = Duration.ofSeconds(15);
    @TempDir Path dir;

    @Test
    void aRestartAfterKill9ResumesTheInterruptedRebuildWithin15s() throws Exception {
        for (Horizon h : List.of(Horizon.ofHours(6), Horizon.ofHours(12))) {
            TestData.weatherLike(dir.resolve("embeddings").resolve(new IndexKey(h, IndexType.FLATIP).embeddingsFileName()), 1500, 16, h.hours());
        }
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"scheduler": {"enabled": false}, "rebuild": {"horizons": [6, 12], "index_types": ["flatip"]},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0}}
                """);
        String[] up = {"up", "--data-dir", dir.toString(), "--config", config.toString()};
        String rebuild;
        try (ChildJvm first = ChildJvm.start(dir, dir.resolve("up-1.log"), FaissRebuildCli.class, up)) {
            first.await("faiss-rebuild is up", Duration.ofSeconds(90));
            requestRebuild();
            rebuild = first.value("event=build_started rebuild=(\\S+)", Duration.ofSeconds(60));
            first.kill(); // a build runs in a child process for at least the JVM's start: this is mid-build
            assertThat(first.printed("event=build_succeeded rebuild=" + rebuild)).as("killed before a build finished").isFalse();
        }
        long restart = System.nanoTime();
        try (ChildJvm second = ChildJvm.start(dir, dir.resolve("up-2.log"), FaissRebuildCli.class, up)) {
            ChildJvm.Line resumed = second.await("event=build_started rebuild=" + rebuild, Duration.ofSeconds(90));
            Duration took = Duration.ofNanos(resumed.atNanos() - restart);
            System.out.printf("up restarted after kill -9: interrupted rebuild resumed %d ms after the restart (broker ready at %d ms, "
                    + "builder started at %d ms)%n", took.toMillis(), since(restart, second, "Embedded Kafka ready"),
                    since(restart, second, "event=worker_started worker=builder"));
            assertThat(took).isLessThan(RESUME_BUDGET);
        }
    }

    private static long since(long start, ChildJvm child, String regex) throws Exception {
        return Duration.ofNanos(child.await(regex, Duration.ZERO).atNanos() - start).toMillis();
    }

    /** What {@code faiss-rebuild rebuild --force} publishes, sent to the broker the running {@code up} wrote down. */
    private void requestRebuild() throws Exception {
        String bootstrap = new ObjectMapper().readTree(dir.resolve("state").resolve("endpoints.json").toFile()).get("bootstrap_servers").asText();
        RebuildCommand command = RebuildCliCommand.command(Horizon.parseList(null), IndexType.parseList(null), true, "crash test");
        try (EventPublisher p = new EventPublisher(KafkaSettings.of(bootstrap), "test")) {
            p.publish(List.of(new Outgoing(Topics.REBUILD_COMMANDS, command.getCommandId(), command)));
        }
    }
}
