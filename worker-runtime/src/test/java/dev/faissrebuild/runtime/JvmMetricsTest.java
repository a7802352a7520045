package dev.faissrebuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import io.micrometer.core.instrument.Gauge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** monitoring.integrate_with_existing_monitoring: the standard JVM/process series beside ours, or ours alone. */
class JvmMetricsTest {
    @TempDir Path dir;

    /** The sample lines (not # HELP / # TYPE) a runtime's /metrics serves, with one faiss_* gauge registered. */
    private List<String> samples(boolean integrate) throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"monitoring\": {\"integrate_with_existing_monitoring\": " + integrate + "}}");
        FaissRebuildConfig c = ConfigLoader.load(f, dir).withEphemeralPorts();
        try (WorkerRuntime rt = WorkerRuntime.start("test", c, "127.0.0.1:1", Duration.ofSeconds(1))) {
            Gauge.builder("faiss_rebuild_consecutive_failures", () -> 0).register(rt.registry());
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rt.metricsUrl())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    @Test
    void onTheStandardJvmAndProcessSeriesAreExportedBesideOurs() throws Exception {
        List<String> samples = samples(true);
        assertThat(samples).anyMatch(l -> l.startsWith("faiss_rebuild_consecutive_failures"));
        for (String standard : List.of("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "jvm_info{", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds", "process_files_open_files")) {
            assertThat(samples).as(standard).anyMatch(l -> l.startsWith(standard));
        }
    }

    @Test
    void offOnlyTheFaissSeriesAreServed() throws Exception {
        assertThat(samples(false)).isNotEmpty().allMatch(l -> l.startsWith("faiss_"));
    }
}
