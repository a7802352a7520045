package dev.faissrebuild.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * One node of a three-node KRaft cluster (broker and controller in one process, a static quorum of three
 * voters), run by {@link KafkaCluster} as a JVM of its own so that a test can SIGKILL it:
 * {@code ClusterBroker <node-id> <log-dir> <cluster-id> <broker-ports a,b,c> <controller-ports a,b,c>}.
 * Replication factor 3 and {@code min.insync.replicas} 2 everywhere, internal topics included: one node
 * may die and every write still lands on two.
 */
public final class ClusterBroker {
    private ClusterBroker() {}

    public static void main(String[] args) throws Exception {
        int id = Integer.parseInt(args[0]);
        Path logDir = Path.of(args[1]);
        String clusterId = args[2];
        String[] brokerPorts = args[3].split(",");
        String[] controllerPorts = args[4].split(",");
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(id));
        StringBuilder voters = new StringBuilder();
        for (int n = 1; n <= controllerPorts.length; n++) voters.append(n > 1 ? "," : "").append(n).append("@127.0.0.1:").append(controllerPorts[n - 1]);
        p.put("controller.quorum.voters", voters.toString());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[id - 1] + ",CONTROLLER://127.0.0.1:" + controllerPorts[id - 1]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[id - 1]);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("share.coordinator.state.topic.replication.factor", "3");
        p.put("share.coordinator.state.topic.min.isr", "2");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("broker.session.timeout.ms", "4000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 << 20));
        p.put("log.segment.bytes", Integer.toString(16 << 20));
        p.put("log.index.size.max.bytes", Integer.toString(1 << 20));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            Files.createDirectories(logDir);
            new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream())).setNodeId(id).setClusterId(clusterId)
                    .setControllerListenerName("CONTROLLER").setMetadataLogDirectory(logDir.toString()).addDirectory(logDir.toString()).run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }));
        server.startup();
        System.out.println("cluster node " + id + " started on port " + brokerPorts[id - 1]);
        Thread.currentThread().join();
    }
}
