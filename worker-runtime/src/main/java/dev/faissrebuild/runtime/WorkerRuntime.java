package dev.faissrebuild.runtime;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.config.ConfigReload;
import dev.faissrebuild.runtime.http.ApiToken;
import dev.faissrebuild.runtime.logging.LogLevels;
import dev.faissrebuild.runtime.http.OpsServer;
import dev.faissrebuild.runtime.http.Tls;
import dev.faissrebuild.runtime.http.TextGauges;
import dev.faissrebuild.runtime.instance.InstanceId;
import dev.faissrebuild.runtime.instance.InstanceLock;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.lease.ActiveWork;
import dev.faissrebuild.runtime.lease.LeaderLease;
import dev.faissrebuild.runtime.loop.WorkerLoop;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
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
    private final InstanceId instanceId;
    private final ConfigReload reloads;

    private WorkerRuntime(String component, FaissRebuildConfig config, KafkaSettings kafka, Duration grace, InstanceId instanceId) {
        this.config = config;
        this.kafka = kafka;
        this.grace = grace;
        this.instanceId = instanceId;
        this.health = new Health(component);
        this.reloads = new ConfigReload(config).onChange("scheduler.log_level", LogLevels::apply);
        FaissRebuildConfig.Monitoring m = config.monitoring();
        if (m.integrateWithExistingMonitoring()) resources.push(JvmMetrics.bindTo(registry));
        // /metrics on monitoring.metrics_port only (one server when it is the health port), and nowhere when
        // monitoring.enable_prometheus is false
        boolean onePort = m.metricsPort() == m.healthCheckPort() && m.metricsPort() != 0;
        ApiToken token = ApiToken.of(m, config.paths().data(), System.getenv()).orElse(null); // before any route exists
        if (token != null) LOG.info("event=api_token_required paths=\"/api/*, /metrics\" source=\"{}\"", token.source());
        Tls tls = Tls.of(m, config.paths().data(), System.getenv()).orElse(null);
        this.ops = guarded(OpsServer.start(m.bindAddress(), m.healthCheckPort(), tls), token).health(health);
        if (m.enablePrometheus() && onePort) ops.metrics(registry, textGauges);
        this.metricsOps = !m.enablePrometheus() || onePort ? null
                : guarded(OpsServer.start(m.bindAddress(), m.metricsPort(), tls), token).metrics(registry, textGauges).health(health);
    }

    /** The configuration as reloaded on SIGHUP; services register what they apply live. */
    public ConfigReload reloads() {
        return reloads;
    }

    private static OpsServer guarded(OpsServer server, ApiToken token) {
        return token == null ? server : server.requireToken(token);
    }

    /** @param grace how long in-flight work may finish when the process is asked to stop */
    public static WorkerRuntime start(String component, FaissRebuildConfig config, String bootstrapServers, Duration grace) {
        return start(component, config, bootstrapServers, grace, InstanceId.resolve(null, Map.copyOf(System.getenv()), config.paths().data()));
    }

    /** @param instanceId who this process is to Kafka, the same across its restarts ({@link InstanceId}) */
    public static WorkerRuntime start(String component, FaissRebuildConfig config, String bootstrapServers, Duration grace, InstanceId instanceId) {
        return new WorkerRuntime(component, config, new KafkaSettings(bootstrapServers, config.kafka().clientProperties()), grace, instanceId);
    }

    /** The per-instance part of group instance ids and transactional ids. */
    public String instanceId() {
        return instanceId.value();
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
    /** {@code sink} hears every HTTP request of this process refused for want of the API token. */
    public void onRefusedRequest(java.util.function.Consumer<OpsServer.Refusal> sink) {
        ops.onRefused(sink);
        if (metricsOps != null) metricsOps.onRefused(sink);
    }

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
        claim(spec.name());
        WorkerLoop loop = startLoop(spec);
        health.check("worker." + spec.name(), loop::health);
        onClose(loop);
        return loop;
    }

    /**
     * Starts a loop its caller owns (a lease's term: not watched, not closed with the runtime). Unless the
     * spec names its own, the loop is a static group member {@code <worker>-<instance id>}, so a restart
     * of this instance resumes its partitions at once instead of after the dead member's session timeout.
     */
    public WorkerLoop startLoop(WorkerSpec spec) {
        WorkerSpec s = spec.groupInstanceId() != null ? spec : spec.withGroupInstanceId(spec.name() + "-" + instanceId.value());
        return WorkerLoop.start(s, kafka, registry, grace);
    }

    /**
     * Runs {@code work} only while this instance holds the lease of {@code worker} (one active instance,
     * the others hot standbys: {@link LeaderLease}); {@code /health} says which, and
     * {@code faiss_worker_active{worker}} is 1 on the active instance.
     */
    public LeaderLease lease(String worker, String topic, ActiveWork work) {
        claim(worker);
        LeaderLease lease = onClose(LeaderLease.start(worker, kafka, topic, instanceId.value(), work));
        health.check("worker." + worker, lease::health);
        Gauge.builder("faiss_worker_active", lease, l -> l.active() ? 1 : 0).tag("worker", worker).strongReference(true)
                .description("1 on the instance that holds the worker's lease and runs it, 0 on a standby").register(registry);
        return lease;
    }

    /** One process per worker and instance id on this data dir: a second is refused with a message saying how to run both. */
    private void claim(String worker) {
        onClose(InstanceLock.acquire(config.paths().state(), worker, instanceId));
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
