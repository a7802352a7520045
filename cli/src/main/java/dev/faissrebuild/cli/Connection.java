package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** How a CLI command reaches the running system: the configured Kafka cluster, else the local system's endpoints file. */
final class Connection {
    private Connection() {}

    static KafkaSettings kafka(FaissRebuildConfig c) {
        return new KafkaSettings(bootstrap(c), c.kafka().clientProperties());
    }

    /** How long a command waits for a cluster to answer before it says it is unreachable. */
    static final int PROBE_MS = 10_000;

    /**
     * The Kafka settings, once the cluster has answered: a broker that is down costs ten seconds and one
     * line rather than the clients' default minute and a stack trace.
     */
    static KafkaSettings reachableKafka(FaissRebuildConfig c) {
        KafkaSettings k = kafka(c);
        Properties p = new Properties();
        p.put("bootstrap.servers", k.bootstrapServers());
        p.putAll(k.extra()); // security settings: an unauthenticated probe of a SASL cluster would fail
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_MS)).nodes().get();
            return k;
        } catch (ExecutionException e) {
            throw new UserError("Kafka at " + k.bootstrapServers() + " did not answer within " + PROBE_MS / 1000 + " s ("
                    + e.getCause().getMessage() + "); check kafka.bootstrap_servers and that the brokers are up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while reaching Kafka at " + k.bootstrapServers());
        }
    }

    static String bootstrap(FaissRebuildConfig c) {
        if (!c.kafka().embedded()) return c.kafka().bootstrapServers();
        return LocalSystem.running(c).map(e -> (String) e.get("bootstrap_servers")).orElseThrow(() -> new UserError(
                "no running faiss-rebuild found for data dir " + c.paths().data() + " (no live " + c.paths().state().resolve("endpoints.json")
                        + "); start one with: faiss-rebuild up --data-dir " + c.paths().data()));
    }

    /** The local system's endpoints, when one is running for this data dir. */
    static Optional<Map<String, Object>> local(FaissRebuildConfig c) {
        return LocalSystem.running(c);
    }
}
