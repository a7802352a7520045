package dev.faissrebuild.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexType;
import org.junit.jupiter.api.Test;

class IndexRecipeTest {

    @Test
    void nlistFollowsFaissGuidance() {
        for (long n : new long[] {1_000, 6_574, 13_148, 200_000, 1_000_000, 10_000_000}) {
            int nlist = IndexRecipe.nlist(n);
            assertThat(Integer.bitCount(nlist)).as("power of two for n=" + n).isEqualTo(1);
            assertThat((long) nlist * IndexRecipe.MIN_POINTS_PER_CENTROID).as("39 points per centroid, n=" + n).isLessThanOrEqualTo(n);
            assertThat((double) nlist).as("at most 4·√N, n=" + n).isLessThanOrEqualTo(4 * Math.sqrt(n));
            assertThat((double) nlist).as("above 2·√N unless capped, n=" + n)
                    .isGreaterThan(Math.min(2 * Math.sqrt(n), n / 39.0 / 2));
        }
        assertThat(IndexRecipe.nlist(6_574)).isEqualTo(128);
        assertThat(IndexRecipe.nlist(13_148)).isEqualTo(256);
        assertThat(IndexRecipe.nlist(1_000_000)).isEqualTo(2048);
    }

    @Test
    void pqMDividesTheDimension() {
        assertThat(IndexRecipe.pqM(256)).isEqualTo(64);
        assertThat(IndexRecipe.pqM(128)).isEqualTo(32);
        assertThat(IndexRecipe.pqM(100)).isEqualTo(25);
        assertThat(IndexRecipe.pqM(97)).isEqualTo(1);
        for (int d = 1; d <= 512; d++) assertThat(d % IndexRecipe.pqM(d)).isZero();
    }

    @Test
    void trainingUsesAtMost256PointsPerCentroid() {
        assertThat(IndexRecipe.trainingRows(6_574, 128)).isEqualTo(6_574);
        assertThat(IndexRecipe.trainingRows(1_000_000, 2048)).isEqualTo(256L * 2048);
    }

    @Test
    void plansAreInnerProductAndNamed() {
        IndexPlan flat = IndexRecipe.plan(IndexType.FLATIP, 13_148, 256);
        assertThat(flat.factory()).isEqualTo("Flat");
        assertThat(flat.metric()).isEqualTo(Metric.INNER_PRODUCT);
        IndexPlan ivfpq = IndexRecipe.plan(IndexType.IVFPQ, 13_148, 256);
        assertThat(ivfpq.factory()).isEqualTo("IVF256,PQ64np");
        assertThat(ivfpq.metric()).isEqualTo(Metric.INNER_PRODUCT);
        assertThat(ivfpq.nprobe()).isBetween(1, ivfpq.nlist());
    }

    @Test
    void tooFewVectorsForIvfpqIsAClearError() {
        assertThatThrownBy(() -> IndexRecipe.plan(IndexType.IVFPQ, 500, 256))
                .hasMessageContaining("ivfpq needs at least 1000 vectors").hasMessageContaining("got 500");
    }

    @Test
    void sampleIsDistinctSortedAndSeeded() {
        long[] s = dev.faissrebuild.vectors.RowSample.distinct(100_000, 5_000, 1234);
        assertThat(s).hasSize(5_000).isSorted().doesNotHaveDuplicates();
        assertThat(s[s.length - 1]).isLessThan(100_000);
        assertThat(dev.faissrebuild.vectors.RowSample.distinct(100_000, 5_000, 1234)).isEqualTo(s);
    }
}
