package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.util.Map;
import java.util.Optional;

/** How a CLI command reaches the running system: the configured Kafka cluster, else the local system's endpoints file. */
final class Connection {
    private Connection() {}

    static KafkaSettings kafka(FaissRebuildConfig c) {
        return new KafkaSettings(bootstrap(c), c.kafka().clientProperties());
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
