package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.builder.BuilderService;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.IndexKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds really run in parallel: each of the 8 index keys has a partition of its own on the request topic
 * (murmur2 put them on 4), so two builder processes of 4 slots each own 4 partitions apiece and can build
 * all 8 indices at once (counted: their 8 build children alive at the same time).
 */
class ParallelBuildsTest {
    @TempDir Path dir;
    RunningSystem system;
    Process second;

    @AfterEach
    void stop() {
        if (second != null) second.destroy();
        if (system != null) system.close();
    }

    @Test
    void eightKeysOnEightPartitionsBuiltByTwoProcessesOfFourSlots() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false}, "rebuild": {"max_workers": 4},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0}}""", c -> c.withEphemeralPorts());
        second = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), BuilderService.class.getName(),
                "--config", dir.resolve("config.json").toString(), "--data-dir", dir.toString(),
                "--bootstrap-servers", system.kafka().bootstrapServers(), "--instance-id", "second")
                .redirectErrorStream(true).redirectOutput(dir.resolve("second-builder.log").toFile()).start();
        Map<String, Integer> assignment = ConsumerGroups.awaitSettled(system.kafka().bootstrapServers(), "builders", Topics.REBUILD_REQUESTED, 2, 8,
                Duration.ofSeconds(90));
        assertThat(assignment.values()).as("partitions of faiss.rebuild.requested per builder process").containsExactly(4, 4);

        CompletableFuture<RebuildWatch.Result> rebuild = CompletableFuture.supplyAsync(() -> system.rebuild(null, null));
        int together = 0; // the most build children alive at once, in both builder processes (the second is below this JVM too)
        int inSecond = 0;
        String job = dev.faissrebuild.builder.run.BuildJob.class.getName();
        while (!rebuild.isDone()) {
            List<ProcessHandle> alive = ChildJobs.alive(ProcessHandle.current(), job); // one snapshot, split by parent
            if (alive.size() > together) {
                together = alive.size();
                inSecond = (int) alive.stream().filter(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == second.pid()).count();
            }
            Thread.sleep(20);
        }
        assertThat(rebuild.get().deployed()).isTrue();
        System.out.println("build children alive at once: " + together + " (" + inSecond + " of them in the second builder process)");
        assertThat(together).as("builds running at once in the two processes").isEqualTo(8);
        assertThat(inSecond).as("of them in the second process").isEqualTo(4);
        String id = ((dev.faissrebuild.events.GenerationDeployed) rebuild.get().finals().getFirst()).getRebuildId();
        Map<String, Integer> partitionOfKey = new TreeMap<>();
        RunningSystem.records(system.kafka(), Topics.REBUILD_REQUESTED).forEach(r -> {
            try {
                if (dev.faissrebuild.events.EventSerde.standard().decode(r.value()) instanceof RebuildRequested q && q.getRebuildId().equals(id)) {
                    partitionOfKey.put(q.getIndexKey(), r.partition());
                }
            } catch (Exception ignored) {
                // not an event
            }
        });
        assertThat(partitionOfKey).hasSize(8);
        assertThat(partitionOfKey.values()).as("one partition per index").doesNotHaveDuplicates();
        for (IndexKey k : IndexKey.all()) assertThat(partitionOfKey.get(k.toString())).isEqualTo(Topics.partitionOf(Topics.REBUILD_REQUESTED, k.toString()));
    }
}
