package dev.faissrebuild.runtime.loop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** What every loop counts: records by outcome, processing time, work in flight. */
final class LoopMetrics {
    private final MeterRegistry registry;
    private final Counter processed;
    private final Counter deadLettered;
    private final Counter retried;
    private final Counter discarded;
    private final Timer processing;

    LoopMetrics(MeterRegistry registry, String worker, AtomicInteger inFlight) {
        this.registry = registry;
        this.processed = counter(worker, "processed");
        this.deadLettered = counter(worker, "dead_lettered");
        this.retried = counter(worker, "retried");
        this.discarded = counter(worker, "discarded");
        this.processing = Timer.builder("faiss_worker_processing").description("Time the worker's logic took per record")
                .tag("worker", worker).publishPercentileHistogram().register(registry);
        Gauge.builder("faiss_worker_in_flight", inFlight, AtomicInteger::get).tag("worker", worker)
                .description("Records being processed now").register(registry);
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
