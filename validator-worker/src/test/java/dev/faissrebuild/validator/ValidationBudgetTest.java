package dev.faissrebuild.validator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.cancel.Supervisions;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.runtime.http.TextGauges;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import dev.faissrebuild.testing.TestData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rebuild.max_memory_gb counts validations beside builds: a validation that does not fit beside a running build waits for it. */
class ValidationBudgetTest {
    static final String REBUILD = "r20250601T020000Z-aaaaaa";
    @TempDir Path dir;

    @Test
    void aValidationWaitsForTheBuildThatHoldsTheBudgetThenRuns() throws Exception {
        Path embeddings = dir.resolve("embeddings/embeddings_24h.npy");
        TestData.weatherLike(embeddings, 4_000, 16, 24);
        IndicesLayout layout = new IndicesLayout(dir.resolve("indices"));
        Path staged = Files.createDirectories(layout.root().resolve("staging/" + REBUILD)).resolve("faiss_24h_flatip.faiss");
        TestIndices.build(staged, embeddings, 4_000, "Flat", Metric.INNER_PRODUCT, 0);

        MemoryBudget budget = MemoryBudget.ofGb(1.0 / 1024); // 1 MiB: the flat index (250 KiB) + 64 MiB working set do not fit: it runs alone
        AtomicLong ranAt = new AtomicLong();
        ValidationSettings settings = IndexValidatorTest.settings(0.9);
        ValidateStep step = new ValidateStep(embeddings.getParent(), layout, settings,
                new IndexMetrics(new SimpleMeterRegistry(), new TextGauges(), List.of(IndexKey.parse("24h/flatip"))),
                (c, s, label, supervision) -> {
                    ranAt.set(System.nanoTime());
                    return new IndexValidator(s).validate(c);
                }, Supervisions.unlimited()).withMemoryBudget(budget);

        MemoryBudget.Reservation build = budget.reserve(REBUILD + "/24h/ivfpq", budget.bytes() / 2); // a build holds half of it
        CompletableFuture<List<Outgoing>> validation = CompletableFuture.supplyAsync(() -> {
            try {
                return step.process(new Incoming("faiss.index.built", 0, 0, "24h/flatip", built(staged, embeddings, layout)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1_000);
        assertThat(validation).as("the validation waits while the build holds the budget").isNotDone();
        assertThat(ranAt.get()).isZero();
        assertThat(budget.waits()).isEqualTo(1);

        long released = System.nanoTime();
        build.close();
        List<Outgoing> out = validation.get(60, TimeUnit.SECONDS);
        assertThat(ranAt.get()).isGreaterThan(released);
        assertThat(out).singleElement().satisfies(o -> assertThat(o.event()).isInstanceOfSatisfying(IndexValidated.class,
                v -> assertThat(v.getFigures().getRecallAtK()).isEqualTo(1.0)));
    }

    private static IndexBuilt built(Path staged, Path embeddings, IndicesLayout layout) {
        return IndexBuilt.newBuilder().setRebuildId(REBUILD).setIndexKey("24h/flatip").setRebuildKeys(List.of("24h/flatip"))
                .setTrigger(TriggerType.MANUAL).setRequestedAt(Instant.now()).setStagedPath(layout.root().relativize(staged).toString())
                .setSha256(Sha256.of(staged)).setSizeBytes(staged.toFile().length()).setDimension(16).setNtotal(4_000).setFactory("Flat")
                .setMetric("inner_product").setNlist(0).setNprobe(0).setPqM(0).setTrainingRows(0).setBuildSeconds(0.1).setPeakRssBytes(1)
                .setEmbeddingsPath(embeddings.getFileName().toString()).setEmbeddingsSha256(Sha256.of(embeddings))
                .setEmbeddingsRows(4_000).setBuiltAt(Instant.now()).build();
    }
}
