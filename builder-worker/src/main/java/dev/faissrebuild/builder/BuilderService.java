package dev.faissrebuild.builder;

import dev.faissrebuild.builder.run.ChildProcessBuildRunner;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.WorkerMain;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.cancel.Cancellations;
import dev.faissrebuild.runtime.cancel.Supervisions;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import dev.faissrebuild.store.ConfiguredStore;
import dev.faissrebuild.store.StagedArtifacts;
import dev.faissrebuild.store.StoredEmbeddings;
import java.time.Duration;
import java.util.List;

/**
 * The builder worker: {@code max_workers} builds at once, each with {@code cores / max_workers} OpenMP
 * threads (threads x concurrent builds never exceeds the cores), all within {@code max_memory_gb}. Instances share the consumer group
 * "builders", so more machines build more indices in parallel.
 */
public final class BuilderService {
    private BuilderService() {}

    public static void start(WorkerRuntime rt) {
        FaissRebuildConfig c = rt.config();
        BuildStep step = new BuildStep(c.paths().embeddings(), new IndicesLayout(c.paths().indices()),
                c.rebuild().effectiveThreadsPerBuild(), target(c), new BuildMetrics(rt.registry(), c.rebuild().keys()), MemoryBudget.onHost(c.rebuild().maxMemoryGb(), c.paths().state().resolve("memory")),
                ChildProcessBuildRunner.sameJvm(), new Supervisions(Duration.ofMinutes(c.rebuild().maxRebuildTimeMinutes()),
                        rt.onClose(Cancellations.follow(rt.kafka(), "builder"))));
        EventPublisher progress = rt.onClose(new EventPublisher(rt.kafka(), "builder-progress"));
        step.withProgress(o -> progress.publishAsync(o)).withIncrementalMaxGrowth(c.rebuild().incrementalMaxGrowth())
                .withArtifacts(new StagedArtifacts(ConfiguredStore.open(c).map(rt::onClose), new IndicesLayout(c.paths().indices())))
                .withStoredEmbeddings(StoredEmbeddings.configured(c).map(rt::onClose));
        rt.run(WorkerSpec.of("builder", List.of(Topics.REBUILD_REQUESTED), step).withGroup("builders")
                .withConcurrency(c.rebuild().maxWorkers()).transactional("faiss-rebuild-builder-" + rt.instanceId()));
    }

    /**
     * How far above the validation threshold IVF-PQ is tuned. The tuner and the recall gate measure the same
     * estimate (the newest rows held out), so this is not for the gate: it is for the queries the service will
     * send. Measured on weather-like data at the tuned nprobe, the estimate was 0.000–0.012 above recall on
     * new states (the probe holds 5–8 % fewer vectors, and 1,000 queries from one stretch of time vary by about
     * ±0.006 between stretches); 0.015 keeps new queries at the threshold for a few more probes.
     */
    public static final double TUNING_MARGIN = 0.015;

    /** The recall IVF-PQ is tuned to: the validation threshold plus a margin, within the latency and memory budgets. */
    public static IndexBuilder.Target target(FaissRebuildConfig c) {
        return new IndexBuilder.Target(c.validation().minRecallThreshold(), TUNING_MARGIN, c.validation().recallK(),
                c.validation().maxLatencyThresholdMs(), Math.min(1000, c.validation().validationSampleSize()), c.rebuild().ivfpqMaxBytesPerVector());
    }

    /** Main of a builder process against an external Kafka. */
    public static void main(String[] args) throws Exception {
        WorkerMain.run("builder", args, BuilderService::start);
    }
}
