package dev.faissrebuild.runtime.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft broker and controller in this process) whose log lives in a data dir
 * that survives restarts: topics, records, transactions and committed offsets are kept, and so is the
 * bootstrap address. For tests and the all-in-one local mode.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final String bootstrapServers;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, String bootstrapServers, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.server = server;
    }

    /** Starts on {@code dataDir} (created and formatted when new), on the ports of its last run when free. */
    public static EmbeddedKafka start(Path dataDir) throws IOException {
        return start(dataDir, 0);
    }

    /** As {@link #start(Path)}, with the broker listening on {@code brokerPort}; 0 picks a port (or reuses the last one). */
    public static EmbeddedKafka start(Path dataDir, int brokerPort) throws IOException {
        Path dir = dataDir.toAbsolutePath();
        Path logDir = dir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        BrokerPorts ports = BrokerPorts.choose(dir.resolve("ports.properties"), brokerPort);
        KafkaConfig config = BrokerSettings.of(logDir, ports);
        if (!Files.exists(logDir.resolve("meta.properties"))) format(logDir);

        String bootstrap = BrokerPorts.HOST + ":" + ports.broker();
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        EmbeddedKafka kafka = new EmbeddedKafka(dir, bootstrap, server);
        try {
            server.startup();
            awaitReady(bootstrap);
        } catch (RuntimeException | Error e) {
            try {
                kafka.close(); // a half-started server still holds the log dir lock and its ports
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        log.info("Embedded Kafka ready at {} (data in {})", bootstrap, dir);
        return kafka;
    }

    /** What {@code kafka-storage.sh format} does: a new cluster id, the bootstrap metadata, meta.properties. */
    private static void format(Path logDir) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream())) // it prints to stdout otherwise
                    .setNodeId(BrokerSettings.NODE_ID)
                    .setClusterId(clusterId)
                    .setControllerListenerName(BrokerSettings.CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .run();
        } catch (Exception e) {
            throw new IOException("Could not format the Kafka log dir " + logDir + ": " + e.getMessage(), e);
        }
        log.info("Formatted Kafka log dir {} for new cluster {}", logDir, clusterId);
    }

    /** startup() returns once the broker is unfenced; a metadata round trip proves clients can use it. */
    private static void awaitReady(String bootstrap) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis()))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("Embedded Kafka at " + bootstrap + " did not become ready", e);
                }
                if (System.nanoTime() > deadline) throw new IllegalStateException("Embedded Kafka at " + bootstrap + " has no live broker");
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Controlled shutdown; returns when every broker and controller thread has stopped and the log is flushed. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka at {} stopped", bootstrapServers);
    }
}
