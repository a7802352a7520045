package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.deployer.GenerationPublisher;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.store.ArtifactStore;
import dev.faissrebuild.store.S3ArtifactStore;
import dev.faissrebuild.store.testing.S3Testing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faiss-rebuild follow} as a process: killed (halted like SIGKILL, by the crash point
 * {@code follow.after_first_file}) with one file of the new generation downloaded, then restarted. Its live
 * set is the old generation, complete, until the restart brings the new one, complete. Its /metrics are
 * read by Prometheus's own {@code promtool check metrics}, and what it serves by Python FAISS.
 */
class FollowCrashTest {
    static final String BUCKET = "faiss-artifacts";
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret-key").build();
    @TempDir Path dir;

    @Test
    void killedMidDownloadItServesTheOldSetCompleteThenTheNewOne() throws Exception {
        S3Testing.createBucket(S3, BUCKET);
        IndicesLayout deployer = new IndicesLayout(dir.resolve("deployer/indices"));
        IndicesLayout host = new IndicesLayout(dir.resolve("serve/indices"));
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"artifacts": {"store": "s3://%s/site", "s3_endpoint": "%s", "s3_access_key_id_env": "K", "s3_secret_access_key_env": "S"}}
                """.formatted(BUCKET, S3.getUri()));
        try (ArtifactStore store = ArtifactStore.open("s3://" + BUCKET + "/site",
                S3Testing.settings(S3))) {
            GenerationPublisher publisher = new GenerationPublisher(deployer, Optional.of(store));
            GenerationManifest g1 = deploy(deployer, publisher, "r-1", 1);
            try (ChildJvm follow = follow(config, host, Map.of())) {
                follow.await("event=follow_switched generation=" + g1.generationId(), Duration.ofMinutes(1));
                String port = follow.value("health and metrics on port (\\d+)", Duration.ofSeconds(5));
                assertPromtoolAccepts(RunningSystem.get("http://127.0.0.1:" + port + "/metrics").body());
                assertThat(RunningSystem.get("http://127.0.0.1:" + port + "/metrics").body())
                        .contains("faiss_follower_generation{generation=\"" + g1.generationId() + "\"} 1.0").contains("faiss_follower_behind 0.0");
            }
            assertServes(host, g1);

            GenerationManifest g2 = deploy(deployer, publisher, "r-2", 2);
            try (ChildJvm crashing = follow(config, host, Map.of("JAVA_TOOL_OPTIONS", "-Dfaiss.crash.at=follow.after_first_file"))) {
                crashing.await("crash point follow.after_first_file: halting", Duration.ofMinutes(1));
                while (crashing.alive()) Thread.sleep(20);
            }
            assertServes(host, g1); // the old set, complete
            Path leftover = host.generations().resolve(".tmp-" + g2.generationId());
            try (Stream<Path> files = Files.list(leftover)) {
                assertThat(files.filter(p -> p.getFileName().toString().endsWith(".faiss")).count())
                        .as("killed mid-download: one index file of 8 was there").isEqualTo(1);
            }

            try (ChildJvm follow = follow(config, host, Map.of())) {
                follow.await("event=follow_switched generation=" + g2.generationId(), Duration.ofMinutes(1));
            }
            assertServes(host, g2);
            assertPythonFaissReads(host, g2);
            assertThat(Files.exists(leftover)).as("the half-downloaded directory is removed").isFalse();
            assertThat(Files.isDirectory(host.generation(g1.generationId()))).as("the replaced generation is kept").isTrue();
        }
    }

    private ChildJvm follow(Path config, IndicesLayout host, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("K", S3.getAccessKey(), "S", S3.getSecretKey()));
        env.putAll(extraEnv);
        return ChildJvm.start(dir, env, dir.resolve("follow-" + System.nanoTime() + ".log"), FaissRebuildCli.class, "follow", "--config", config.toString(),
                "--data-dir", dir.resolve("serve").toString(), "--indices", host.root().toString(), "--poll-seconds", "1", "--port", "0");
    }

    private static GenerationManifest deploy(IndicesLayout deployer, GenerationPublisher publisher, String rebuild, long seed) {
        GenerationManifest m = TestGenerations.deployAll(deployer, rebuild, Instant.parse("2026-12-0" + seed + "T00:00:00Z"), seed);
        try (IndicesLock lock = IndicesLock.acquire(deployer.lockFile(), "test: publish", Duration.ofSeconds(5))) {
            assertThat(publisher.mirror(lock)).isEmpty();
        }
        return m;
    }

    private static void assertServes(IndicesLayout host, GenerationManifest m) {
        assertThat(host.liveGenerationId()).contains(m.generationId());
        for (GenerationManifest.Entry e : m.files()) {
            assertThat(Sha256.of(host.liveFile(IndexKey.parse(e.indexKey())))).as(e.fileName()).isEqualTo(e.sha256());
        }
    }

    /** What a Python consumer opens on the serving host (Debian's python3-faiss): the fixed paths, through current. */
    private static void assertPythonFaissReads(IndicesLayout host, GenerationManifest m) throws Exception {
        for (GenerationManifest.Entry e : m.files()) {
            Path file = host.liveFile(IndexKey.parse(e.indexKey()));
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import faiss, sys; print(faiss.read_index(sys.argv[1]).ntotal)", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor()).as(file + ": " + out).isZero();
            assertThat(out).as(file.toString()).isEqualTo(Long.toString(e.ntotal()));
        }
    }

    /** Prometheus's own linter over the exposition text (stdin). */
    private static void assertPromtoolAccepts(String metrics) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("promtool check metrics: " + out).isZero();
        assertThat(List.of(out.strip())).doesNotContainNull();
    }
}
