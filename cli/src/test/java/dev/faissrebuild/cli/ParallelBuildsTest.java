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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
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
        Map<String, Integer> assignment = awaitTwoBuilders();
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

    /** Waits until the group "builders" has two members that both own partitions, and returns how many each owns. */
    private Map<String, Integer> awaitTwoBuilders() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", system.kafka().bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of("builders")).all().get().get("builders");
                Map<String, Integer> owned = new TreeMap<>();
                for (MemberDescription m : g.members()) {
                    owned.put(m.consumerId(), (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.REBUILD_REQUESTED)).count());
                }
                // a cooperative rebalance hands partitions over in two rounds: wait for the second
                if (owned.size() == 2 && owned.values().stream().mapToInt(Integer::intValue).sum() == 8 && !owned.containsValue(0)) return owned;
                if (System.nanoTime() > deadline) throw new AssertionError("the group 'builders' did not settle on two members: " + owned);
                Thread.sleep(500);
            }
        }
    }
}
