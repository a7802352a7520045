package dev.faissrebuild.cli;

import dev.faissrebuild.follower.FollowerService;
import dev.faissrebuild.follower.GenerationFollower;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.logging.LogFile;
import dev.faissrebuild.store.ConfiguredStore;
import dev.faissrebuild.store.PublishedGenerations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "follow", mixinStandardHelpOptions = true,
        description = {"The sync agent of a serving host: keeps --indices at the deployer's live generation, as published in the",
                "artifact store. Each new generation is downloaded, every file's sha256 verified, and switched to with the deployer's",
                "own layout (indices/current, indices/faiss_24h_ivfpq.faiss, ...) and atomic switch; the generation it replaced is",
                "kept for a rollback, older ones removed. Woken by faiss.index.deployed (with Kafka) and by polling. /health and",
                "/metrics on --port. Runs until stopped."})
final class FollowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--store", description = "s3://bucket[/prefix] or a directory (default: the config's artifacts.store).")
    String store;

    @Option(names = "--indices", required = true, description = "This host's indices directory, e.g. /srv/faiss/indices.")
    Path indices;

    @Option(names = "--poll-seconds", defaultValue = "30", description = "Seconds between passes without a wake-up (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Option(names = "--bootstrap-servers", description = "Kafka to be woken by (default: the config's kafka.bootstrap_servers; none: polling only).")
    String bootstrap;

    @Option(names = "--port", defaultValue = "-1", description = "/health and /metrics port (default: the config's monitoring.health_check_port; 0 picks one).")
    int port;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        String location = store != null ? store : c.artifacts().store();
        if (location.isBlank()) throw new UserError("follow needs a store: --store s3://bucket[/prefix] or artifacts.store in the config");
        if (pollSeconds < 1) throw new UserError("--poll-seconds = " + pollSeconds + ": expected at least 1");
        LogFile.attach(c.logging(), c.paths().data());
        String servers = bootstrap != null ? bootstrap : c.kafka().bootstrapServers();
        Optional<KafkaSettings> kafka = servers == null || servers.isBlank() ? Optional.empty()
                : Optional.of(new KafkaSettings(servers, c.kafka().clientProperties()));
        PublishedGenerations published = new PublishedGenerations(ConfiguredStore.open(location, c.artifacts(), System.getenv()));
        IndicesLayout layout = new IndicesLayout(indices);
        try (FollowerService service = new FollowerService(new GenerationFollower(published, layout), published, Duration.ofSeconds(pollSeconds),
                kafka, c.monitoring().bindAddress(), port >= 0 ? port : c.monitoring().healthCheckPort())) {
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("following %s into %s (poll %d s, wake-ups %s), health and metrics on port %d%n", published.store().describe(), layout.root(),
                    pollSeconds, kafka.map(KafkaSettings::bootstrapServers).orElse("none"), service.port());
            out.flush();
            service.run();
        }
        return 0;
    }
}
