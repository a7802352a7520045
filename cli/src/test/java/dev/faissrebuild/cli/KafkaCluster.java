package dev.faissrebuild.cli;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/** Three real Kafka nodes (KRaft, {@link ClusterBroker}), each a JVM of its own on loopback, that a test may kill and restart. */
final class KafkaCluster implements AutoCloseable {
    static final int NODES = 3;
    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final List<Integer> brokerPorts = new ArrayList<>();
    private final List<Integer> controllerPorts = new ArrayList<>();
    private final ChildJvm[] nodes = new ChildJvm[NODES + 1];

    private KafkaCluster(Path dir) throws Exception {
        this.dir = dir;
        for (int i = 0; i < NODES; i++) {
            brokerPorts.add(freePort());
            controllerPorts.add(freePort());
        }
    }

    static KafkaCluster start(Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        KafkaCluster c = new KafkaCluster(dir);
        for (int n = 1; n <= NODES; n++) c.launch(n); // a node's start-up returns only once the quorum has formed: all three at once
        for (int n = 1; n <= NODES; n++) c.nodes[n].await("cluster node " + n + " started", Duration.ofSeconds(120));
        c.awaitBrokers(NODES, Duration.ofSeconds(120));
        return c;
    }

    String bootstrapServers() {
        return String.join(",", brokerPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** (Re)starts node {@code n} and waits until it runs. */
    void startNode(int n) throws Exception {
        launch(n);
        nodes[n].await("cluster node " + n + " started", Duration.ofSeconds(120));
    }

    private void launch(int n) throws Exception {
        nodes[n] = ChildJvm.start(dir, Map.of("JAVA_TOOL_OPTIONS", "-Xmx384m"), dir.resolve("kafka-" + n + ".log"), ClusterBroker.class,
                Integer.toString(n), dir.resolve("kafka-" + n).toString(), clusterId, join(brokerPorts), join(controllerPorts));
    }

    /** SIGKILL: no controlled shutdown, no flush. */
    void kill(int n) throws InterruptedException {
        nodes[n].kill();
    }

    /** Waits until {@code count} brokers are registered and unfenced. */
    void awaitBrokers(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) return;
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) throw new AssertionError("the cluster has not " + count + " brokers after " + timeout);
                Thread.sleep(250);
            }
        }
    }

    @Override
    public void close() throws Exception {
        for (int n = 1; n <= NODES; n++) if (nodes[n] != null) nodes[n].close();
    }

    private static String join(List<Integer> ports) {
        return String.join(",", ports.stream().map(String::valueOf).toList());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
