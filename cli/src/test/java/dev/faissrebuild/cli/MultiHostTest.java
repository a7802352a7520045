package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.builder.BuilderService;
import dev.faissrebuild.deployer.DeployerService;
import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.store.testing.S3Testing;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.trigger.TriggerMain;
import dev.faissrebuild.validator.ValidatorService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * faiss-rebuild on several "machines" that share no directory: a three-node Kafka cluster (KRaft, replication
 * factor 3, min.insync.replicas 2), each node a JVM of its own; S3-compatible object storage (S3Proxy, in this
 * JVM, on loopback); a control host (trigger and deployer), two builder hosts, a validator host and two
 * serving hosts running {@code faiss-rebuild follow}, every one a process with a data directory of its own. The
 * embeddings are in the object store too, uploaded by the shipped Python script (boto3) as the upstream would.
 * The first rebuild loses a Kafka node (SIGKILL) while it builds, and gets it back; the second loses a
 * builder process mid-build. Both end with one generation deployed, and both serving hosts on it, byte for byte.
 */
class MultiHostTest {
    static final String BUCKET = "faiss-artifacts";
    static final int ROWS = 1500;
    static final int DIM = 16;
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret-key").build();
    @TempDir Path dir;
    final List<AutoCloseable> running = new ArrayList<>();
    final Map<String, ChildJvm> processes = new LinkedHashMap<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running.reversed()) c.close();
    }

    @Test
    void rebuildsAcrossHostsSurviveAKafkaNodeAndABuilderDying() throws Exception {
        KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"));
        running.add(kafka);
        S3Testing.createBucket(S3, BUCKET);
        uploadEmbeddings();
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"scheduler": {"enabled": false}, "rebuild": {"max_workers": 2},
                 "paths": {"embeddings_dir": "s3://%s/embeddings"},
                 "kafka": {"bootstrap_servers": "%s"},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0},
                 "artifacts": {"store": "s3://%s/site-a", "s3_endpoint": "%s",
                               "s3_access_key_id_env": "TEST_S3_KEY", "s3_secret_access_key_env": "TEST_S3_SECRET"}}
                """.formatted(BUCKET, kafka.bootstrapServers(), BUCKET, S3.getUri()));
        for (String host : List.of("control", "build-a", "build-b", "validate")) Files.createDirectories(dir.resolve(host));
        start("trigger", "control", TriggerMain.class);
        start("deployer", "control", DeployerService.class);
        start("validator", "validate", ValidatorService.class);
        start("builder-a", "build-a", BuilderService.class);
        start("builder-b", "build-b", BuilderService.class);
        for (String host : List.of("serve-1", "serve-2")) {
            Files.createDirectories(dir.resolve(host));
            processes.put(host, track(ChildJvm.start(dir.resolve(host), env(), dir.resolve(host + ".log"), FaissRebuildCli.class, "follow",
                    "--config", config.toString(), "--data-dir", dir.resolve(host).toString(), "--indices", dir.resolve(host).resolve("indices").toString(),
                    "--poll-seconds", "5", "--port", "0")));
        }
        ConsumerGroups.awaitSettled(kafka.bootstrapServers(), "builders", Topics.REBUILD_REQUESTED, 2, 8, Duration.ofMinutes(3));
        KafkaSettings client = KafkaSettings.of(kafka.bootstrapServers());

        // 1: a Kafka node is SIGKILLed while the indices build, and restarted once some are built
        Map<String, Integer> marks = marks();
        CompletableFuture<RebuildWatch.Result> first = rebuild(client);
        awaitAny(List.of("builder-a", "builder-b"), "event=build_started", marks);
        kafka.kill(1);
        System.out.println("kafka node 1 killed at " + Instant.now());
        awaitAny(List.of("builder-a", "builder-b"), "event=build_succeeded", marks);
        Thread.sleep(5_000);
        kafka.startNode(1);
        System.out.println("kafka node 1 restarted at " + Instant.now());
        GenerationDeployed g1 = deployed(first);
        Map<String, Double> switch1 = awaitServingHosts(g1);
        assertExactlyOnce(client, g1);
        for (String builder : List.of("builder-a", "builder-b")) {
            assertThat(indicesBuilt(builder, g1.getRebuildId(), marks)).as("indices built by " + builder).isNotEmpty();
        }
        assertThat(processes.get("deployer").printed("event=artifact_downloaded key=staging/" + g1.getRebuildId())).as("the deployer took staged files from the store").isTrue();
        for (String worker : List.of("builder-a", "builder-b", "validator", "deployer")) {
            assertThat(processes.get(worker).printed("event=embeddings_downloaded file=embeddings_")).as(worker + " streamed the embeddings from the store").isTrue();
        }
        assertEveryProcessAlive(Set.of());

        // 2: one builder process is SIGKILLed mid-build: the other builds its indices too
        marks = marks();
        CompletableFuture<RebuildWatch.Result> second = rebuild(client);
        processes.get("builder-a").await("event=build_started", Duration.ofMinutes(3), marks.get("builder-a"));
        processes.get("builder-a").kill();
        System.out.println("builder-a killed at " + Instant.now());
        GenerationDeployed g2 = deployed(second);
        assertThat(g2.getGenerationId()).isNotEqualTo(g1.getGenerationId());
        assertThat(indicesBuilt("builder-b", g2.getRebuildId(), marks)).as("builder-b built every index of the rebuild, builder-a's too")
                .hasSize(8);
        Map<String, Double> switch2 = awaitServingHosts(g2);
        assertExactlyOnce(client, g2);
        for (String host : List.of("serve-1", "serve-2")) {
            assertThat(Files.isDirectory(new IndicesLayout(dir.resolve(host).resolve("indices")).generation(g1.getGenerationId())))
                    .as(host + " keeps the replaced generation for a rollback").isTrue();
        }
        assertEveryProcessAlive(Set.of("builder-a"));
        System.out.printf("deploy -> serving host switched: rebuild 1 %s s, rebuild 2 %s s%n", switch1, switch2);
    }

    /** The upstream pipeline's side: embeddings written, then uploaded by the shipped Python script (boto3, Debian's python3). */
    private void uploadEmbeddings() throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", PrometheusRulesFiles.repoRoot().resolve("clients/python/upload_embeddings.py").toString(),
                "s3://" + BUCKET + "/embeddings", "--endpoint-url", S3.getUri().toString()));
        for (Horizon h : Horizon.values()) {
            Path file = dir.resolve("upstream").resolve(new IndexKey(h, IndexType.FLATIP).embeddingsFileName());
            TestData.weatherLike(file, ROWS, DIM, h.hours());
            command.add(file.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", S3.getAccessKey(), "AWS_SECRET_ACCESS_KEY", S3.getSecretKey(), "AWS_DEFAULT_REGION", "us-east-1"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("uploaded ")).count()).as(out).isEqualTo(4);
    }

    private Map<String, String> env() {
        return Map.of("TEST_S3_KEY", S3.getAccessKey(), "TEST_S3_SECRET", S3.getSecretKey(), "JAVA_TOOL_OPTIONS", "-Xmx512m");
    }

    private void start(String name, String host, Class<?> main) throws Exception {
        processes.put(name, track(ChildJvm.start(dir.resolve(host), env(), dir.resolve(name + ".log"), main, "--config", dir.resolve("config.json").toString(),
                "--data-dir", dir.resolve(host).toString(), "--instance-id", name)));
    }

    private ChildJvm track(ChildJvm p) {
        running.add(p);
        return p;
    }

    private Map<String, Integer> marks() {
        Map<String, Integer> m = new HashMap<>();
        processes.forEach((name, p) -> m.put(name, p.lineCount()));
        return m;
    }

    private void awaitAny(List<String> names, String regex, Map<String, Integer> marks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            for (String n : names) {
                if (processes.get(n).lines().stream().skip(marks.get(n)).anyMatch(l -> l.text().contains(regex))) return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("none of " + names + " printed " + regex);
    }

    private static CompletableFuture<RebuildWatch.Result> rebuild(KafkaSettings client) {
        var command = RebuildCliCommand.command(Horizon.parseList(null), IndexType.parseList(null), true, "test");
        return CompletableFuture.supplyAsync(() -> RebuildCliCommand.publishAndFollow(client, command, Duration.ofMinutes(10), new PrintWriter(new StringWriter())));
    }

    private static GenerationDeployed deployed(CompletableFuture<RebuildWatch.Result> rebuild) throws Exception {
        RebuildWatch.Result r = rebuild.get(12, TimeUnit.MINUTES);
        assertThat(r.deployed()).as("the rebuild deployed: " + r.finals()).isTrue();
        return (GenerationDeployed) r.finals().getFirst();
    }

    /** Waits until both serving hosts serve {@code g} with the manifest's bytes; returns each one's seconds from the deployer's switch. */
    private Map<String, Double> awaitServingHosts(GenerationDeployed g) throws Exception {
        Map<String, Double> delays = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (String host : List.of("serve-1", "serve-2")) {
            IndicesLayout layout = new IndicesLayout(dir.resolve(host).resolve("indices"));
            while (!layout.liveGenerationId().filter(g.getGenerationId()::equals).isPresent()) {
                if (System.nanoTime() > deadline) throw new AssertionError(host + " did not switch to " + g.getGenerationId() + ": " + layout.liveGenerationId());
                Thread.sleep(20);
            }
            delays.put(host, Duration.between(g.getDeployedAt(), Instant.now()).toMillis() / 1000.0);
            GenerationManifest deployer = new IndicesLayout(dir.resolve("control").resolve("indices")).liveManifest().orElseThrow();
            assertThat(layout.liveManifest().orElseThrow().files()).isEqualTo(deployer.files());
            for (GenerationManifest.Entry e : deployer.files()) {
                assertThat(Sha256.of(layout.liveFile(IndexKey.parse(e.indexKey())))).as(host + " " + e.fileName()).isEqualTo(e.sha256());
            }
        }
        return delays;
    }

    /** One GenerationDeployed for the rebuild, one committed IndexBuilt per index: nothing lost, nothing applied twice. */
    private static void assertExactlyOnce(KafkaSettings client, GenerationDeployed g) {
        List<String> deployed = new ArrayList<>();
        for (var r : RunningSystem.records(client, Topics.INDEX_DEPLOYED)) {
            if (decode(r.value()) instanceof GenerationDeployed d && d.getRebuildId().equals(g.getRebuildId())) deployed.add(d.getGenerationId());
        }
        assertThat(deployed).as("generations deployed by rebuild " + g.getRebuildId()).containsExactly(g.getGenerationId());
        List<String> built = new ArrayList<>();
        for (var r : RunningSystem.records(client, Topics.INDEX_BUILT)) {
            if (decode(r.value()) instanceof IndexBuilt b && b.getRebuildId().equals(g.getRebuildId())) built.add(b.getIndexKey());
        }
        assertThat(built).as("committed IndexBuilt of rebuild " + g.getRebuildId()).hasSize(8).doesNotHaveDuplicates();
    }

    private static SpecificRecord decode(byte[] value) {
        try {
            return EventSerde.standard().decode(value);
        } catch (Exception e) {
            return null;
        }
    }

    private Set<String> indicesBuilt(String builder, String rebuildId, Map<String, Integer> marks) {
        Pattern p = Pattern.compile("event=build_succeeded rebuild=" + Pattern.quote(rebuildId) + " index=(\\S+)");
        Set<String> out = new TreeSet<>();
        processes.get(builder).lines().stream().skip(marks.get(builder)).forEach(l -> {
            Matcher m = p.matcher(l.text());
            if (m.find()) out.add(m.group(1));
        });
        return out;
    }

    private void assertEveryProcessAlive(Set<String> killed) {
        processes.forEach((name, p) -> {
            if (!killed.contains(name)) assertThat(p.alive()).as(name + " is still running").isTrue();
        });
    }
}
