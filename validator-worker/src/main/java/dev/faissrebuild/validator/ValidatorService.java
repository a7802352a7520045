package dev.faissrebuild.validator;

import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.WorkerMain;
import dev.faissrebuild.runtime.WorkerRuntime;
import dev.faissrebuild.runtime.cancel.Cancellations;
import dev.faissrebuild.runtime.cancel.Supervisions;
import dev.faissrebuild.runtime.child.ChildProcesses;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.loop.WorkerSpec;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import dev.faissrebuild.validator.run.ChildValidation;
import dev.faissrebuild.store.ConfiguredStore;
import dev.faissrebuild.store.StagedArtifacts;
import dev.faissrebuild.store.StoredEmbeddings;
import java.time.Duration;
import java.util.List;

/** The validator worker: gates every staged index; instances share the consumer group "validators". */
public final class ValidatorService {
    private ValidatorService() {}

    public static void start(WorkerRuntime rt) {
        FaissRebuildConfig c = rt.config();
        ValidationSettings settings = ValidationSettings.from(c.validation(), c.rebuild().effectiveThreadsPerBuild(), c.paths().data());
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        IndexMetrics metrics = new IndexMetrics(rt.registry(), rt.textGauges(), c.rebuild().keys());
        metrics.bindLive(layout, c.rebuild().keys());
        ValidateStep step = new ValidateStep(c.paths().embeddings(), layout, settings, metrics,
                new ChildValidation(ChildProcesses.sameJvm()), new Supervisions(Duration.ofMinutes(c.rebuild().maxRebuildTimeMinutes()),
                        rt.onClose(Cancellations.follow(rt.kafka(), "validator"))))
                .withMemoryBudget(MemoryBudget.onHost(c.rebuild().maxMemoryGb(), c.paths().state().resolve("memory")))
                .withArtifacts(new StagedArtifacts(ConfiguredStore.open(c).map(rt::onClose), layout))
                .withStoredEmbeddings(StoredEmbeddings.configured(c).map(rt::onClose));
        rt.run(WorkerSpec.of("validator", List.of(Topics.INDEX_BUILT), step).withGroup("validators")
                .withConcurrency(c.rebuild().maxWorkers()).transactional("faiss-rebuild-validator-" + rt.instanceId()));
    }

    public static void main(String[] args) throws Exception {
        WorkerMain.run("validator", args, ValidatorService::start);
    }
}
