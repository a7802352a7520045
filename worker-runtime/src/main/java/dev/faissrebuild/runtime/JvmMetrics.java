package dev.faissrebuild.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.List;

/**
 * The standard JVM and process metrics ({@code monitoring.integrate_with_existing_monitoring}): the
 * binders Spring Boot's actuator registers by default, under Micrometer's names (jvm_memory_used_bytes,
 * jvm_gc_pause_seconds, jvm_threads_live_threads, process_cpu_usage, process_uptime_seconds,
 * process_open_fds, ...), so a Prometheus and Grafana that already watch JVM services (e.g. the JVM
 * Micrometer dashboard) see this one like the others. Off, /metrics serves the faiss_* series alone.
 */
final class JvmMetrics implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();

    private JvmMetrics() {}

    /** Binds them all; close() removes the GC listeners two of them install. */
    static JvmMetrics bindTo(MeterRegistry registry) {
        JvmMetrics m = new JvmMetrics();
        List<MeterBinder> binders = List.of(new JvmMemoryMetrics(), m.gc, m.heapPressure, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new JvmInfoMetrics(), new JvmCompilationMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics());
        binders.forEach(b -> b.bindTo(registry));
        return m;
    }

    @Override
    public void close() {
        gc.close();
        heapPressure.close();
    }

    @Override
    public String toString() {
        return "jvm-metrics";
    }
}
