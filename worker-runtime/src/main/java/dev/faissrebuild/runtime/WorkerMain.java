package dev.faissrebuild.runtime;

import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.config.ConfigException;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.instance.InstanceId;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.kafka.TopicAdmin;
import dev.faissrebuild.runtime.logging.LogFile;
import dev.faissrebuild.runtime.logging.LogLevels;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.KafkaException;

/**
 * The {@code main} of a worker run as its own process against an external Kafka cluster:
 * {@code java -cp … dev.faissrebuild.builder.BuilderService --config /etc/faiss-rebuild/config.json
 * [--data-dir D] [--bootstrap-servers host:9092] [--instance-id NAME]}. Stops gracefully on SIGTERM. What an operator can fix
 * (a bad option or configuration, an unreachable Kafka, a port in use) ends the process with one line
 * on stderr and exit code 2; a stack trace only for a bug, or with FAISS_REBUILD_DEBUG set.
 */
public final class WorkerMain {
    /** Wires a service's loops and routes into a runtime. */
    @FunctionalInterface
    public interface Wiring {
        void start(WorkerRuntime runtime) throws Exception;
    }

    private WorkerMain() {}

    public static void run(String component, String[] args, Wiring wiring) throws Exception {
        try {
            start(component, args, wiring);
        } catch (ConfigException | KafkaException | UncheckedIOException e) {
            if (System.getenv("FAISS_REBUILD_DEBUG") != null) e.printStackTrace();
            fail(component + ": " + e.getMessage());
        }
    }

    private static void start(String component, String[] args, Wiring wiring) throws Exception {
        Path config = null;
        Path dataDir = null;
        String bootstrap = null;
        String instance = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(value(args, ++i));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                case "--bootstrap-servers" -> bootstrap = value(args, ++i);
                case "--instance-id" -> instance = value(args, ++i);
                default -> fail("unknown option " + args[i] + "; expected --config F, --data-dir D, --bootstrap-servers B, --instance-id NAME");
            }
        }
        FaissRebuildConfig c = ConfigLoader.load(config, dataDir);
        LogLevels.apply(c);
        LogFile.attach(c.logging(), c.paths().data()); // for the life of the process
        String servers = bootstrap != null ? bootstrap : c.kafka().bootstrapServers();
        if (servers == null || servers.isBlank()) {
            fail("a worker run on its own needs kafka.bootstrap_servers in the config (or --bootstrap-servers); "
                    + "for one process with an embedded broker use: faiss-rebuild up");
        }
        TopicAdmin.ensureTopics(new KafkaSettings(servers, c.kafka().clientProperties()), Topics.all());
        InstanceId id = InstanceId.resolve(instance, Map.copyOf(System.getenv()), c.paths().data());
        WorkerRuntime rt = WorkerRuntime.start(component, c, servers, Duration.ofSeconds(60), id).closeOnShutdown();
        wiring.start(rt);
        Path file = config;
        Path dir = dataDir;
        rt.reloads().readFrom(() -> ConfigLoader.load(file, dir)).onSignal();
        rt.awaitClose();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) fail(args[i - 1] + " needs a value");
        return args[i];
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
