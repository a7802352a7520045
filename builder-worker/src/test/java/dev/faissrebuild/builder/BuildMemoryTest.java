package dev.faissrebuild.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.memory.MemoryBudget;
import org.junit.jupiter.api.Test;

/** The estimate term by term, and what the budget lets a build try. */
class BuildMemoryTest {
    static final IndexBuilder.Target TARGET = new IndexBuilder.Target(0.95, 0.005, 10, 100, 1000, 256);

    @Test
    void aFlatIndexNeedsItsVectorsAndNothingElse() {
        IndexPlan flat = IndexRecipe.plan(IndexType.FLATIP, 1_000_000, 256);
        BuildMemory.Estimate e = BuildMemory.of(flat, 1_000_000, 256, 0, 0);
        assertThat(e.total()).isEqualTo(e.codes()).isEqualTo(1_000_000L * 256 * 4);
    }

    @Test
    void anIvfpqIndexNeedsCodesTrainingQuantizersOneAddBatchAndTuning() {
        IndexPlan p = IndexRecipe.ivfpq(1_000_000, 256); // IVF2048,PQ64np, trained on 256 x 2048 = 524,288 rows
        BuildMemory.Estimate e = BuildMemory.of(p, 1_000_000, 256, 1000, 10);
        assertThat(e.codes()).isEqualTo((long) (1_000_000L * (64 + 8) * 1.5));
        assertThat(e.training()).isEqualTo(524_288L * 1024 * 2 + 524_288L * 12); // copied sample + residuals + assignment
        assertThat(e.quantizers()).isEqualTo(2048L * 1024 + 256L * 1024);
        assertThat(e.addBatch()).isEqualTo(65_536L * (1024 + 8 + 64));
        // the probe: a copy holding the 950,000 rows before the held-out newest 50,000, and its quantizers
        long probe = (long) (950_000L * (64 + 8) * 1.5) + 2048L * 1024 + 256L * 1024;
        assertThat(e.tuning()).isEqualTo(probe + 1000L * 1024 + 1000L * 11 * 12 + 4096L * 1024 * 4);
        assertThat(MemoryBudget.human(e.total())).isEqualTo("1.29 GiB");
        // trained on all rows, the sample is the mapping itself: no copy
        IndexPlan small = IndexRecipe.ivfpq(13_148, 256);
        assertThat(BuildMemory.of(small, 13_148, 256, 0, 0).training()).isEqualTo(13_148L * 1024 + 13_148L * 12);
    }

    @Test
    void candidatesBeyondTheBudgetAreLeftOutAndTheLargestOfTheRestIsReserved() throws Exception {
        IndexKey key = IndexKey.parse("24h/ivfpq");
        long pq128 = BuildMemory.of(IndexRecipe.ivfpq(1_000_000, 256, 2), 1_000_000, 256, 1000, 10).total();
        long pq256 = BuildMemory.of(IndexRecipe.ivfpq(1_000_000, 256, 1), 1_000_000, 256, 1000, 10).total();
        double gb = (pq128 + pq256) / 2.0 / (1L << 30); // PQ128 fits, PQ256 does not
        BuildAdmission.Admitted a = BuildAdmission.admit(key, null, 1_000_000, 256, TARGET, MemoryBudget.ofGb(gb));
        assertThat(a.target().maxBytesPerVector()).isEqualTo(128);
        assertThat(a.bytes()).isEqualTo(pq128);
        BuildAdmission.Admitted all = BuildAdmission.admit(key, null, 1_000_000, 256, TARGET, MemoryBudget.ofGb(16));
        assertThat(all.target()).isEqualTo(TARGET);
        assertThat(all.bytes()).isEqualTo(pq256);
        assertThatThrownBy(() -> BuildAdmission.admit(key, null, 1_000_000, 256, TARGET, MemoryBudget.ofGb(0.5)))
                .isInstanceOf(BuildAdmission.OverBudget.class)
                .hasMessageContaining("24h/ivfpq (1000000 x 256 as IVF2048,PQ64np) needs an estimated 1.29 GiB")
                .hasMessageContaining("rebuild.max_memory_gb = 0.5 allows 512.0 MiB");
    }
}
