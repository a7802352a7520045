package dev.faissrebuild.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.faissrebuild.builder.BuilderService;
import dev.faissrebuild.deployer.DeployerService;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.notifier.NotifierService;
import dev.faissrebuild.runtime.WorkerMain;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.kafka.EmbeddedKafka;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.kafka.TopicAdmin;
import dev.faissrebuild.trigger.TriggerService;
import dev.faissrebuild.validator.ValidatorService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The all-in-one local mode: an embedded Kafka broker (unless {@code kafka.bootstrap_servers} names a
 * cluster) and all five services in one JVM, with one health/metrics endpoint. Where to reach it is
 * written to {@code state/endpoints.json}, for the CLI's other commands.
 */
final class LocalSystem implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final WorkerRuntime runtime;
    private final Path endpointsFile;
    private final Map<String, Object> endpoints;

    /**
     * The services, in the order they start: the ones that resume interrupted work first (a restart after
     * a crash rebuilds within seconds), then the trigger, whose start waits until its view has caught up.
     */
    enum Service {
        BUILDER(BuilderService::start), VALIDATOR(ValidatorService::start), DEPLOYER(DeployerService::start),
        TRIGGER(TriggerService::start), NOTIFIER(NotifierService::start);

        private final WorkerMain.Wiring wiring;

        Service(WorkerMain.Wiring wiring) {
            this.wiring = wiring;
        }
    }

    private LocalSystem(WorkerRuntime runtime, Path endpointsFile, Map<String, Object> endpoints) {
        this.runtime = runtime;
        this.endpointsFile = endpointsFile;
        this.endpoints = endpoints;
    }

    static LocalSystem start(FaissRebuildConfig c) throws Exception {
        return start(c, EnumSet.allOf(Service.class));
    }

    /** With some services only (a test runs the others as processes of their own). */
    static LocalSystem start(FaissRebuildConfig c, Set<Service> services) throws Exception {
        Path state = c.paths().state();
        StateDirLock lock = StateDirLock.acquire(state, c.paths().data());
        EmbeddedKafka broker;
        try {
            broker = c.kafka().embedded() ? EmbeddedKafka.start(state.resolve("kafka"), c.kafka().embeddedPort()) : null;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        String bootstrap = broker != null ? broker.bootstrapServers() : c.kafka().bootstrapServers();
        WorkerRuntime rt = null;
        try {
            TopicAdmin.ensureTopics(new KafkaSettings(bootstrap, c.kafka().clientProperties()), Topics.all());
            rt = WorkerRuntime.start("faiss_rebuild_system", c, bootstrap, Duration.ofSeconds(30));
            rt.onClose(lock); // released last: nothing of this system runs any more
            if (broker != null) rt.onClose(broker);
            for (Service s : Service.values()) {
                if (services.contains(s)) s.wiring.start(rt);
            }
            Map<String, Object> endpoints = new LinkedHashMap<>();
            endpoints.put("bootstrap_servers", bootstrap);
            endpoints.put("health_url", rt.ops().url("/health"));
            endpoints.put("metrics_url", rt.metricsUrl());
            endpoints.put("api_url", rt.ops().url("/api"));
            endpoints.put("pid", ProcessHandle.current().pid());
            endpoints.put("started_at", Instant.now().toString());
            Path file = state.resolve("endpoints.json");
            DurableFiles.writeString(file, JSON.writeValueAsString(endpoints));
            return new LocalSystem(rt, file, endpoints);
        } catch (Exception | Error e) {
            if (rt != null) rt.close();
            else {
                if (broker != null) broker.close();
                lock.close();
            }
            throw e;
        }
    }

    WorkerRuntime runtime() {
        return runtime;
    }

    Map<String, Object> endpoints() {
        return endpoints;
    }

    /** Where a running local system said it can be reached, if its process is still alive. */
    static Optional<Map<String, Object>> running(FaissRebuildConfig c) {
        Path file = c.paths().state().resolve("endpoints.json");
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = JSON.readValue(file.toFile(), Map.class);
            return StateDirLock.held(c.paths().state()) ? Optional.of(e) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(endpointsFile);
        } catch (IOException ignored) {
            // a stale file is recognised by its dead pid
        }
        runtime.close();
    }
}
