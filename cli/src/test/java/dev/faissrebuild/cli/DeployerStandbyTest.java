package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faissrebuild.deployer.DeployerService;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.runtime.lease.LeaderLease;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One active deployer and a hot standby, as two real deployer processes (bin/faiss-rebuild-worker
 * deployer) beside a system that runs the other services: the second leaves the first deploying,
 * takes over within 30 s of a kill -9 of the first, and a fenced deployer steps down and comes back
 * instead of staying broken.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployerStandbyTest {
    private static final Duration START = Duration.ofSeconds(60);
    @TempDir static Path dir;
    static RunningSystem system;
    static ChildJvm first;
    static ChildJvm second;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false}, "rebuild": {"horizons": [6, 12], "index_types": ["flatip"]},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0}}
                """, c -> c, EnumSet.complementOf(EnumSet.of(LocalSystem.Service.DEPLOYER)));
    }

    @AfterAll
    static void stop() throws Exception {
        for (ChildJvm c : new ChildJvm[] {first, second}) {
            if (c != null) c.close();
        }
        if (system != null) system.close();
    }

    static ChildJvm deployer(String instanceId) throws Exception {
        return ChildJvm.start(dir, dir.resolve("deployer-" + instanceId + ".log"), DeployerService.class, args(instanceId));
    }

    static String[] args(String instanceId) {
        return new String[] {"--config", dir.resolve("config.json").toString(), "--data-dir", dir.toString(),
                "--bootstrap-servers", system.kafka().bootstrapServers(), "--instance-id", instanceId};
    }

    static String deployed(RebuildWatch.Result r) {
        assertThat(r.deployed()).as(r.finals().toString()).isTrue();
        return ((GenerationDeployed) r.finals().getFirst()).getRebuildId();
    }

    /** The deployer check of a child's /health, and the HTTP status it was served with. */
    static JsonNode deployerHealth(ChildJvm child, int[] status) throws Exception {
        String port = child.value("event=http_listening address=\\S+ port=(\\d+)", START);
        HttpResponse<String> r = RunningSystem.get("http://127.0.0.1:" + port + "/health");
        status[0] = r.statusCode();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("checks").get("worker.deployer");
    }

    @Test
    @Order(1)
    void aSecondDeployerWaitsAsStandbyAndTakesOverWithin30sOfAKill() throws Exception {
        first = deployer("d1");
        first.await("event=lease_acquired lease=deployer instance=d1 term=1", START);
        second = deployer("d2");
        second.await("event=lease_standby lease=deployer instance=d2", START);
        int[] status = new int[1];
        assertThat(deployerHealth(second, status).get("detail").asText()).startsWith("standby");
        assertThat(status[0]).isEqualTo(200);

        // the same instance id twice on one data dir is refused, with what to do about it
        ChildCli clash = ChildCli.run(dir, java.util.Map.of(), DeployerService.class, args("d2"));
        assertThat(clash.code()).isEqualTo(2);
        assertThat(clash.messages()).anySatisfy(m -> assertThat(m).contains("instance id d2").contains("in use by another deployer")
                .contains("--instance-id"));

        String r1 = deployed(system.rebuild(null, null));
        assertThat(first.printed("event=generation_switched rebuild=" + r1)).isTrue();
        assertThat(second.printed("event=generation_switched")).isFalse();
        assertThat(first.printed("event=lease_released")).as("the first kept its lease").isFalse();

        long killed = System.nanoTime();
        first.kill();
        ChildJvm.Line took = second.await("event=lease_acquired lease=deployer instance=d2 term=1", Duration.ofSeconds(60));
        Duration takeover = Duration.ofNanos(took.atNanos() - killed);
        System.out.printf("deployer takeover after kill -9 of the active: %d ms (lease session timeout %d s)%n",
                takeover.toMillis(), LeaderLease.SESSION_TIMEOUT.toSeconds());
        assertThat(takeover).isLessThan(Duration.ofSeconds(30));

        String r2 = deployed(system.rebuild("6", "flatip"));
        assertThat(second.printed("event=generation_switched rebuild=" + r2)).isTrue();
        assertThat(deployerHealth(second, status).get("detail").asText()).startsWith("active (term 1");
    }

    @Test
    @Order(2)
    void aFencedDeployerStepsDownRejoinsAndDeploysAgain() throws Exception {
        // another producer with the deployer's transactional id: the active's next commit is refused
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka().bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, DeployerService.TRANSACTIONAL_ID);
        try (KafkaProducer<String, byte[]> intruder = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            intruder.initTransactions();
            String r3 = deployed(system.rebuild("12", "flatip"));
            assertThat(second.printed("event=worker_fenced worker=deployer")).isTrue();
            assertThat(second.printed("event=lease_acquired lease=deployer instance=d2 term=2")).isTrue();
            assertThat(second.printed("event=generation_switched rebuild=" + r3)).isTrue();
        }
        int[] status = new int[1];
        assertThat(deployerHealth(second, status).get("detail").asText()).startsWith("active (term 2");
        assertThat(status[0]).isEqualTo(200);
    }
}
