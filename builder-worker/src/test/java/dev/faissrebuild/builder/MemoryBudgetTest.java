package dev.faissrebuild.builder;

import dev.faissrebuild.runtime.cancel.Supervisions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.builder.run.ChildProcessBuildRunner;
import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import dev.faissrebuild.testing.TestData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rebuild.max_memory_gb on real builds: refused when one alone is too big, one after the other when two are. */
class MemoryBudgetTest {
    static final IndexBuilder.Target TARGET = new IndexBuilder.Target(0.5, 0.005, 10, 100, 200, 256);
    @TempDir Path dir;

    private BuildStep step(MemoryBudget budget) {
        return new BuildStep(dir.resolve("embeddings"), new IndicesLayout(dir.resolve("indices")), 1, TARGET,
                new BuildMetrics(new SimpleMeterRegistry(), IndexKey.all()), budget, ChildProcessBuildRunner.sameJvm(), Supervisions.unlimited());
    }

    private static Incoming request(String rebuildId, IndexKey key) {
        RebuildRequested r = RebuildRequested.newBuilder().setRebuildId(rebuildId).setIndexKey(key.toString())
                .setHorizonHours(key.horizon().hours()).setIndexType(key.type().code()).setTrigger(TriggerType.MANUAL)
                .setRequestedBy("test").setRequestedAt(Instant.now()).setForce(true).setRebuildKeys(List.of(key.toString())).build();
        return new Incoming("faiss.rebuild.requested", 0, 0, key.toString(), r);
    }

    @Test
    void aBuildWhoseEstimateAloneExceedsTheBudgetIsRefusedAtOnceNamingBothNumbers() throws Exception {
        TestData.weatherLike(dir.resolve("embeddings/embeddings_24h.npy"), 20_000, 32, 24); // flat: 20,000 x 32 x 4 = 2.4 MiB
        Path config = Files.writeString(dir.resolve("c.json"), "{\"rebuild\": {\"max_memory_gb\": 0.001}}");
        MemoryBudget budget = MemoryBudget.ofGb(ConfigLoader.load(config, dir).rebuild().maxMemoryGb());
        List<?> out = step(budget).process(request("r20250601T020000Z-aaaaaa", IndexKey.parse("24h/flatip"))).stream()
                .map(o -> o.event()).toList();
        assertThat(out).singleElement().isInstanceOfSatisfying(BuildFailed.class, f -> {
            assertThat(f.getKind()).isEqualTo(FailureKind.OUT_OF_MEMORY);
            assertThat(f.getReason()).contains("24h/flatip (20000 x 32 as Flat) needs an estimated 2.4 MiB")
                    .contains("rebuild.max_memory_gb = 0.001 allows 1.0 MiB for all the builds and validations of this process at once");
        });
        assertThat(dir.resolve("indices/staging/r20250601T020000Z-aaaaaa/faiss_24h_flatip.faiss")).doesNotExist();
    }

    @Test
    void twoBuildsThatDoNotFitTogetherRunOneAfterTheOther() throws Exception {
        IndexKey key = IndexKey.parse("24h/ivfpq");
        TestData.weatherLike(dir.resolve("embeddings/embeddings_24h.npy"), 20_000, 32, 24);
        long one = BuildAdmission.admit(key, null, 20_000, 32, TARGET, MemoryBudget.ofGb(1)).bytes();
        MemoryBudget budget = MemoryBudget.ofGb(one * 1.5 / (1L << 30)); // one fits, two do not
        BuildStep step = step(budget);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<SpecificRecord>> a = pool.submit(() -> events(step, "r20250601T020000Z-aaaaaa", key));
            Future<List<SpecificRecord>> b = pool.submit(() -> events(step, "r20250601T020000Z-bbbbbb", key));
            IndexBuilt first = (IndexBuilt) a.get().getFirst();
            IndexBuilt second = (IndexBuilt) b.get().getFirst();
            assertThat(budget.waits()).isEqualTo(1);
            double overlap = Math.min(end(first), end(second)) - Math.max(start(first), start(second));
            assertThat(overlap).as("seconds both builds ran at once").isLessThan(0.05);
            assertThat(Math.min(first.getBuildSeconds(), second.getBuildSeconds())).isGreaterThan(0.1); // long enough to have overlapped
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<SpecificRecord> events(BuildStep step, String rebuildId, IndexKey key) throws Exception {
        return step.process(request(rebuildId, key)).stream().map(o -> o.event()).toList();
    }

    private static double end(IndexBuilt b) {
        return b.getBuiltAt().toEpochMilli() / 1000.0;
    }

    private static double start(IndexBuilt b) {
        return end(b) - b.getBuildSeconds();
    }
}
