package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Builds run in supervised children: a build past {@code rebuild.max_rebuild_time_minutes} is killed at
 * its limit, a cancelled rebuild's children are killed at once, and the live set is untouched either way.
 * The slow builds are real: IVF-PQ over 300,000 x 128 takes more than 5 minutes on the 2-core machine.
 */
class SupervisedBuildsTest extends WithRunningSystem {
    private static final int SLOW_ROWS = 300_000;
    private static final int SLOW_DIM = 128;


    @Test
    void aBuildPastItsTimeLimitIsKilledAtTheLimitAndTheNextRebuildWorks() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false}, "rebuild": {"horizons": [24], "max_rebuild_time_minutes": 1},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0}}""", c -> c.withEphemeralPorts());
        assertThat(system.rebuild(null, null).deployed()).isTrue();
        String live = liveGeneration();
        Path file = dir.resolve("embeddings/embeddings_24h.npy");
        byte[] small = Files.readAllBytes(file);
        TestData.weatherLike(file, SLOW_ROWS, SLOW_DIM, 24);

        long started = System.nanoTime();
        RebuildWatch.Result slow = system.rebuild("24", "ivfpq");
        double waited = (System.nanoTime() - started) / 1e9;
        BuildFailed failed = system.awaitEvent(Topics.INDEX_BUILT, BuildFailed.class, f -> f.getIndexKey().equals("24h/ivfpq"));
        System.out.printf("time limit 60 s: the rebuild ended after %.1f s; %s%n", waited, failed.getReason());
        assertThat(slow.deployed()).isFalse();
        assertThat(failed.getKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(failed.getReason()).contains("killed at its time limit of 60 s (rebuild.max_rebuild_time_minutes)");
        assertThat(waited).as("seconds from the command to the end of the rebuild").isLessThan(60 + 20);
        assertThat(children()).as("child processes left after the kill").isEmpty();
        assertThat(liveGeneration()).isEqualTo(live);
        try (var left = Files.walk(dir.resolve("indices/staging"))) {
            // the newest failed rebuild's staging is kept for inspection (its 24h/flatip built fine); nothing of the killed build
            assertThat(left.filter(p -> p.getFileName().toString().equals("faiss_24h_ivfpq.faiss") || p.getFileName().toString().contains(".tmp-")))
                    .as("what the killed build left in staging").isEmpty();
        }

        Files.write(file, small);
        RebuildWatch.Result next = system.rebuild("24", null);
        assertThat(next.deployed()).isTrue();
        String id = ((dev.faissrebuild.events.GenerationDeployed) next.finals().getFirst()).getRebuildId();
        OfflineCommandsTest.Run cancel = OfflineCommandsTest.cli("cancel", "--rebuild", id, "--data-dir", dir.toString(), "--config",
                dir.resolve("config.json").toString());
        assertThat(cancel.code()).isEqualTo(1);
        assertThat(cancel.out()).contains("REJECTED: rebuild " + id + " already deployed generation");
    }

    @Test
    void cancelStopsEveryChildOfARunningEightIndexRebuildWithinFiveSeconds() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false}, "rebuild": {"max_workers": 8, "threads_per_build": 1, "max_memory_gb": 16},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0}}""", c -> c.withEphemeralPorts());
        assertThat(system.rebuild(null, null).deployed()).isTrue();
        String live = liveGeneration();
        for (int h : new int[] {6, 12, 24, 48}) TestData.weatherLike(dir.resolve("embeddings/embeddings_" + h + "h.npy"), SLOW_ROWS, SLOW_DIM, h);

        CompletableFuture<RebuildWatch.Result> rebuild = CompletableFuture.supplyAsync(() -> system.rebuild(null, null));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (children().size() < 4 && System.nanoTime() < deadline) Thread.sleep(200);
        Thread.sleep(3000); // the four IVF-PQ builds well under way
        List<ProcessHandle> running = children();
        assertThat(running).as("children building when the cancel is sent").hasSizeGreaterThanOrEqualTo(4);
        String id = system.json(system.apiUrl("/status")).get("in_progress").get(0).get("rebuild_id").asText();

        long cancelAt = System.nanoTime();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(system.apiUrl("/rebuilds/" + id)))
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"reason\": \"test\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        while (running.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() - cancelAt < Duration.ofSeconds(30).toNanos()) Thread.sleep(50);
        double stopped = (System.nanoTime() - cancelAt) / 1e9;
        System.out.printf("cancel: %d children running, all gone %.2f s after DELETE /api/rebuilds/%s%n", running.size(), stopped, id);
        assertThat(stopped).as("seconds until every child was gone").isLessThan(5);

        RebuildWatch.Result result = rebuild.get();
        assertThat(result.deployed()).isFalse();
        DeployFailed failed = (DeployFailed) result.finals().getFirst();
        assertThat(failed.getReason()).contains("cancelled by api: test");
        RebuildCancelled cancelled = system.awaitEvent(Topics.CANCELLATIONS, RebuildCancelled.class, c -> c.getRebuildId().equals(id));
        assertThat(cancelled.getRebuildKeys()).hasSize(8);
        assertThat(liveGeneration()).isEqualTo(live);
        Thread.sleep(2000);
        assertThat(children()).as("children started after the cancel").isEmpty();
        OfflineCommandsTest.Run again = OfflineCommandsTest.cli("cancel", "--rebuild", id, "--data-dir", dir.toString(), "--config",
                dir.resolve("config.json").toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.out()).contains("REJECTED: rebuild " + id + " already ended: failed");
    }

    private static List<ProcessHandle> children() {
        return ChildJobs.alive(ProcessHandle.current());
    }

    private String liveGeneration() throws Exception {
        return system.json(system.apiUrl("/status")).get("live").get("generation_id").asText();
    }
}
