package dev.faissrebuild.runtime.loop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every loop counts: records by outcome, processing time, work in flight. The meters belong to the
 * worker, not to one loop: a worker whose loop is started again in the same process (a deployer's next
 * term as the active instance) counts on in the same series.
 */
final class LoopMetrics {
    /** The in-flight count behind each worker's gauge, per registry: Micrometer keeps the first gauge registered under a name. */
    private static final Map<MeterRegistry, Map<String, AtomicInteger>> IN_FLIGHT = new WeakHashMap<>();
    private final MeterRegistry registry;
    private final AtomicInteger inFlight;
    private final Counter processed;
    private final Counter deadLettered;
    private final Counter retried;
    private final Counter discarded;
    private final Timer processing;

    LoopMetrics(MeterRegistry registry, String worker) {
        this.registry = registry;
        this.inFlight = inFlightOf(registry, worker);
        this.processed = counter(worker, "processed");
        this.deadLettered = counter(worker, "dead_lettered");
        this.retried = counter(worker, "retried");
        this.discarded = counter(worker, "discarded");
        this.processing = Timer.builder("faiss_worker_processing").description("Time the worker's logic took per record")
                .tag("worker", worker).publishPercentileHistogram().register(registry);
        Gauge.builder("faiss_worker_in_flight", inFlight, AtomicInteger::get).tag("worker", worker)
                .description("Records being processed now").register(registry);
    }

    private static AtomicInteger inFlightOf(MeterRegistry registry, String worker) {
        synchronized (IN_FLIGHT) {
            return IN_FLIGHT.computeIfAbsent(registry, r -> new ConcurrentHashMap<>()).computeIfAbsent(worker, w -> new AtomicInteger());
        }
    }

    /** Records of this worker being processed now, shared by every loop of the worker in this registry. */
    AtomicInteger inFlight() {
        return inFlight;
    }

    private Counter counter(String worker, String outcome) {
        return Counter.builder("faiss_worker_records").description("Records handled, by outcome")
                .tag("worker", worker).tag("outcome", outcome).register(registry);
    }

    Timer.Sample start() {
        return Timer.start(registry);
    }

    void processed(Timer.Sample sample) {
        sample.stop(processing);
        processed.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void retried() {
        retried.increment();
    }

    void discarded() {
        discarded.increment();
    }
}
