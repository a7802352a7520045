package dev.faissrebuild.faiss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {
    @TempDir Path dir;

    static float[] random(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void openBlasIsTheActiveBlas() {
        assertThat(FaissRuntime.isOpenBlas()).as(FaissRuntime.blas()).isTrue();
        assertThat(FaissRuntime.blas()).startsWith("OpenBLAS");
    }

    @Test
    void aFlatIndexStoresItsVectorsByteForByteAndSaysWhereTheyDiffer() {
        float[] x = random(100, 16, 3);
        try (Index index = Index.create(16, "Flat", Metric.INNER_PRODUCT); Index ivf = Index.create(16, "IVF4,Flat", Metric.INNER_PRODUCT)) {
            index.add(x);
            assertThat(index.flatMismatch(java.lang.foreign.MemorySegment.ofArray(x))).isEqualTo(-1);
            float[] changed = x.clone();
            changed[37 * 16 + 5] += 1e-3f;
            assertThat(index.flatMismatch(java.lang.foreign.MemorySegment.ofArray(changed))).isEqualTo((37 * 16 + 5) * 4L);
            assertThat(index.flatMismatch(java.lang.foreign.MemorySegment.ofArray(Arrays.copyOf(x, 99 * 16)))).isEqualTo(99 * 16 * 4L);
            assertThatThrownBy(() -> ivf.flatMismatch(java.lang.foreign.MemorySegment.ofArray(x)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a flat index");
        }
    }

    @Test
    void flatIndexReportsWhatItIs() {
        try (Index index = Index.create(16, "Flat", Metric.L2)) {
            index.add(random(100, 16, 1));
            assertThat(index.ntotal()).isEqualTo(100);
            assertThat(index.dimension()).isEqualTo(16);
            assertThat(index.metric()).isEqualTo(Metric.L2);
            assertThat(index.isTrained()).isTrue();
            IndexInfo info = index.info();
            assertThat(info.faissClass()).isEqualTo("IndexFlat");
            assertThat(info.isIvf()).isFalse();
        }
    }

    @Test
    void aCopyKeepsTrainingVectorsAndSettingsAndResetEmptiesOnlyTheCopy() {
        float[] x = random(2_000, 16, 3);
        for (String factory : new String[] {"Flat", "IVF16,PQ4np", "IVF16,PQ4np,RFlat"}) {
            try (Index index = Index.create(16, factory, Metric.INNER_PRODUCT)) {
                index.train(x);
                index.add(x);
                if (index.info().isIvf()) index.setNprobe(5);
                try (Index copy = index.copy()) {
                    assertThat(copy.ntotal()).as(factory).isEqualTo(2_000);
                    assertThat(copy.info().nprobe()).isEqualTo(index.info().nprobe());
                    assertThat(copy.search(Arrays.copyOf(x, 16 * 3), 4).ids()).isEqualTo(index.search(Arrays.copyOf(x, 16 * 3), 4).ids());
                    copy.reset();
                    assertThat(copy.ntotal()).isZero();
                    assertThat(copy.isTrained()).isTrue();
                    assertThat(index.ntotal()).isEqualTo(2_000);
                    copy.add(Arrays.copyOf(x, 16 * 100));
                    assertThat(copy.ntotal()).isEqualTo(100);
                }
            }
        }
    }

    @Test
    void searchOrdersByMetricAndFindsSelf() {
        float[] x = random(200, 8, 2);
        try (Index ip = Index.create(8, "Flat", Metric.INNER_PRODUCT); Index l2 = Index.create(8, "Flat", Metric.L2)) {
            ip.add(x);
            l2.add(x);
            float[] q = Arrays.copyOfRange(x, 8 * 5, 8 * 6);
            SearchResult rl2 = l2.search(q, 5);
            assertThat(rl2.id(0, 0)).isEqualTo(5);
            assertThat(rl2.score(0, 0)).isEqualTo(0f);
            SearchResult rip = ip.search(q, 5);
            for (int j = 1; j < 5; j++) {
                assertThat(rip.score(0, j)).isLessThanOrEqualTo(rip.score(0, j - 1));
                assertThat(rl2.score(0, j)).isGreaterThanOrEqualTo(rl2.score(0, j - 1));
            }
        }
    }

    @Test
    void ivfSettingsAreVisibleAndNprobeCanBeSet() {
        try (Index index = Index.create(32, "IVF16,PQ8np", Metric.INNER_PRODUCT)) {
            assertThat(index.isTrained()).isFalse();
            index.train(random(2000, 32, 3));
            index.add(random(500, 32, 4));
            index.setNprobe(5);
            IndexInfo info = index.info();
            assertThat(info.faissClass()).isEqualTo("IndexIVFPQ");
            assertThat(info.nlist()).isEqualTo(16);
            assertThat(info.nprobe()).isEqualTo(5);
            assertThat(info.pqM()).isEqualTo(8);
            assertThat(info.pqNbits()).isEqualTo(8);
        }
    }

    @Test
    void nprobeReachesThroughARefineWrapper() {
        try (Index index = Index.create(32, "IVF16,PQ8np,RFlat", Metric.INNER_PRODUCT)) {
            index.train(random(2000, 32, 3));
            index.setNprobe(7);
            index.setParameter("k_factor", 4);
            IndexInfo info = index.info();
            assertThat(info.nprobe()).isEqualTo(7);
            assertThat(info.refineKFactor()).isEqualTo(4.0);
        }
    }

    @Test
    void untrainedAddCarriesFaissMessage() {
        try (Index index = Index.create(32, "IVF16,Flat", Metric.L2)) {
            assertThatThrownBy(() -> index.add(random(10, 32, 5)))
                    .isInstanceOf(FaissException.class)
                    .hasMessageContaining("add 10 vectors")
                    .satisfies(e -> assertThat(((FaissException) e).faissMessage()).contains("is_trained"));
        }
    }

    @Test
    void badFactoryStringAndBadParameterAreFaissErrors() {
        assertThatThrownBy(() -> Index.create(32, "IVF16,NoSuchThing", Metric.L2))
                .isInstanceOf(FaissException.class)
                .hasMessageContaining("index_factory(32, \"IVF16,NoSuchThing\"")
                .hasMessageContaining("could not parse");
        try (Index flat = Index.create(8, "Flat", Metric.L2)) {
            assertThatThrownBy(() -> flat.setNprobe(4)).isInstanceOf(FaissException.class).hasMessageContaining("nprobe");
        }
        assertThatThrownBy(() -> Index.create(0, "Flat", Metric.L2)).isInstanceOf(FaissException.class).hasMessageContaining("dimension");
    }

    @Test
    void wrongDimensionIsRefusedBeforeReachingFaiss() {
        try (Index index = Index.create(16, "Flat", Metric.L2)) {
            assertThatThrownBy(() -> index.add(new float[15])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("16-dimensional");
            assertThatThrownBy(() -> index.search(new float[17], 3)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closeTwiceIsHarmlessAndUseAfterCloseFailsCleanly() {
        Index index = Index.create(8, "Flat", Metric.L2);
        index.add(random(10, 8, 6));
        index.close();
        index.close();
        assertThat(index.isClosed()).isTrue();
        assertThatThrownBy(index::ntotal).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.search(new float[8], 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void corruptIndexFilesAreRejectedWithFaissMessages() throws Exception {
        Path good = dir.resolve("good.faiss");
        try (Index index = Index.create(32, "IVF16,PQ8np", Metric.INNER_PRODUCT)) {
            index.train(random(2000, 32, 7));
            index.add(random(1000, 32, 8));
            index.write(good);
        }
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.faiss"), Arrays.copyOf(bytes, bytes.length / 2));
        Path empty = Files.write(dir.resolve("empty.faiss"), new byte[0]);
        byte[] noise = new byte[4096];
        new Random(9).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.faiss"), noise);
        byte[] badHeader = bytes.clone();
        badHeader[0] = 'X';
        Path wrongMagic = Files.write(dir.resolve("magic.faiss"), badHeader);
        for (Path bad : new Path[] {truncated, empty, garbage, wrongMagic}) {
            for (boolean mapped : new boolean[] {false, true}) {
                assertThatThrownBy(() -> (mapped ? Index.readMapped(bad) : Index.read(bad)).close())
                        .as(bad.getFileName() + (mapped ? " mapped" : ""))
                        .isInstanceOf(FaissException.class)
                        .hasMessageContaining("read_index")
                        .hasMessageContaining(bad.toString())
                        .satisfies(e -> assertThat(((FaissException) e).faissMessage()).isNotBlank());
            }
        }
        assertThatThrownBy(() -> Index.read(dir.resolve("missing.faiss"))).isInstanceOf(FaissException.class)
                .hasMessageContaining("no such file");
        try (Index ok = Index.read(good)) {
            assertThat(ok.ntotal()).isEqualTo(1000);
        }
    }

    @Test
    void everyTruncationOfAFileFailsCleanly() throws Exception {
        Path good = dir.resolve("small.faiss");
        try (Index index = Index.create(8, "IVF4,PQ2np", Metric.L2)) {
            index.train(random(500, 8, 10));
            index.add(random(50, 8, 11));
            index.write(good);
        }
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.faiss");
        int failures = 0;
        for (int len = 0; len < bytes.length; len += Math.max(1, bytes.length / 97)) {
            Files.write(cut, Arrays.copyOf(bytes, len));
            try (Index ignored = Index.read(cut)) {
                // a prefix that happens to be readable is fine; the point is that nothing crashes
            } catch (FaissException e) {
                failures++;
            }
        }
        assertThat(failures).isGreaterThan(90);
    }

    @Test
    void exactSearchMatchesAFlatIndex() {
        float[] x = random(3000, 24, 12);
        float[] q = random(20, 24, 13);
        try (var arena = java.lang.foreign.Arena.ofConfined(); Index flat = Index.create(24, "Flat", Metric.L2)) {
            flat.add(x);
            var db = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, x);
            SearchResult exact = ExactSearch.knn(db, 3000, q, 24, 10, Metric.L2, 1);
            SearchResult viaIndex = flat.search(q, 10);
            assertThat(exact.ids()).isEqualTo(viaIndex.ids());
        }
    }
}
