package dev.faissrebuild.runtime;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.http.OpsServer;
import dev.faissrebuild.runtime.http.TextGauges;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.WorkerLoop;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one process of faiss-rebuild holds, whatever workers it runs: the configuration, the Kafka
 * client settings, one metrics registry, the health of everything in it, and the HTTP endpoint
 * serving {@code /health} and {@code /metrics}. Services add their loops and routes; {@link #close()}
 * stops them in reverse order (on SIGTERM via {@link #closeOnShutdown()}).
 */
public final class WorkerRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);
    private final FaissRebuildConfig config;
    private final KafkaSettings kafka;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TextGauges textGauges = new TextGauges();
    private final Health health;
    private final OpsServer ops;
    private final OpsServer metricsOps;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Duration grace;

    private WorkerRuntime(String component, FaissRebuildConfig config, KafkaSettings kafka, Duration grace) {
        this.config = config;
        this.kafka = kafka;
        this.grace = grace;
        this.health = new Health(component);
        FaissRebuildConfig.Monitoring m = config.monitoring();
        if (m.integrateWithExistingMonitoring()) resources.push(JvmMetrics.bindTo(registry));
        // /metrics on monitoring.metrics_port only (one server when it is the health port), and nowhere when
        // monitoring.enable_prometheus is false
        boolean onePort = m.metricsPort() == m.healthCheckPort() && m.metricsPort() != 0;
        this.ops = OpsServer.start(m.bindAddress(), m.healthCheckPort()).health(health);
        if (m.enablePrometheus() && onePort) ops.metrics(registry, textGauges);
        this.metricsOps = !m.enablePrometheus() || onePort ? null
                : OpsServer.start(m.bindAddress(), m.metricsPort()).metrics(registry, textGauges).health(health);
    }

    /** @param grace how long in-flight work may finish when the process is asked to stop */
    public static WorkerRuntime start(String component, FaissRebuildConfig config, String bootstrapServers, Duration grace) {
        return new WorkerRuntime(component, config, new KafkaSettings(bootstrapServers, config.kafka().clientProperties()), grace);
    }

    public FaissRebuildConfig config() {
        return config;
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Gauges under names Micrometer cannot export (the seed's {@code faiss_index_size_total}). */
    public TextGauges textGauges() {
        return textGauges;
    }

    public Health health() {
        return health;
    }

    /** The server answering {@code /health} (and {@code /metrics}); services add routes to it. */
    public OpsServer ops() {
        return ops;
    }

    /** Where {@code /metrics} is served, or null when {@code monitoring.enable_prometheus} is false. */
    public String metricsUrl() {
        if (!config.monitoring().enablePrometheus()) return null;
        return (metricsOps != null ? metricsOps : ops).url("/metrics");
    }

    /** Starts a worker loop, watched by {@code /health} and stopped with the process. */
    public WorkerLoop run(WorkerSpec spec) {
        WorkerLoop loop = WorkerLoop.start(spec, kafka, registry, grace);
        health.check("worker." + spec.name(), loop::health);
        onClose(loop);
        return loop;
    }

    /** Closes {@code resource} when the runtime closes (last registered, first closed). */
    public synchronized <T extends AutoCloseable> T onClose(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Closes everything when the JVM is asked to stop (SIGTERM, SIGINT). */
    public WorkerRuntime closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "shutdown"));
        return this;
    }

    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed.getCount() == 0) return;
            LOG.info("event=stopping component={} resources={}", health.report().component(), resources.size());
            while (!resources.isEmpty()) {
                AutoCloseable r = resources.pop();
                try {
                    r.close();
                } catch (Exception e) {
                    LOG.warn("event=close_failed resource={} error=\"{}\"", r, e.toString());
                }
            }
            ops.close();
            if (metricsOps != null) metricsOps.close();
            closed.countDown();
        }
    }
}
