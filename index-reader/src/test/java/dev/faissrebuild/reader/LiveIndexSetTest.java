package dev.faissrebuild.reader;

import static dev.faissrebuild.reader.TestGenerations.BASE_ROWS;
import static dev.faissrebuild.reader.TestGenerations.DIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveIndexSetTest {
    private static final IndexKey FLAT_24H = IndexKey.parse("24h/flatip");

    @TempDir
    Path root;

    @Test
    void aSearchInFlightFinishesOnTheOldSetWhichIsFreedOnlyAfterItsRelease() throws Exception {
        TestGenerations gens = new TestGenerations(root);
        String first = gens.deploy(1);
        try (LiveIndexSet reader = LiveIndexSet.open(manual())) {
            String second = gens.deploy(2); // live on disk; the reader has not looked yet

            // a long search (200,000 queries) on the first set, which its thread holds until told to let go
            float[] queries = random(200_000, 3);
            CountDownLatch searching = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            AtomicReference<IndexSet> held = new AtomicReference<>();
            AtomicLong searchEnded = new AtomicLong();
            CompletableFuture<SearchResult> inFlight = CompletableFuture.supplyAsync(() -> {
                try (IndexSet set = reader.acquire()) {
                    held.set(set);
                    searching.countDown();
                    SearchResult r = set.search(FLAT_24H, queries, 5);
                    searchEnded.set(System.nanoTime());
                    await(letGo);
                    return r;
                }
            });
            assertThat(searching.await(10, TimeUnit.SECONDS)).isTrue();
            Collection<Index> oldIndices = held.get().generation().indices().values();

            assertThat(reader.refresh()).as("swap while the search runs").isTrue();
            long swapped = System.nanoTime();
            assertThat(reader.generationId()).contains(second);
            try (IndexSet now = reader.acquire()) {
                assertThat(now.generationId()).isEqualTo(second);
                assertThat(now.index(FLAT_24H).ntotal()).isEqualTo(BASE_ROWS + 2);
            }
            assertThat(oldIndices).hasSize(8).noneMatch(Index::isClosed);
            assertThat(reader.stats()).extracting(ReaderStats::inFlight, ReaderStats::openGenerations).containsExactly(1, 2);

            letGo.countDown();
            SearchResult result = inFlight.get(60, TimeUnit.SECONDS);
            assertThat(searchEnded.get()).as("the swap did not wait for the search").isGreaterThan(swapped);
            assertThat(result.n()).isEqualTo(200_000);
            assertIdsBelow(result, BASE_ROWS + 1); // answered by the first generation's 501 vectors
            assertThat(held.get().generationId()).isEqualTo(first);
            assertThat(oldIndices).allMatch(Index::isClosed);
            assertThat(reader.stats()).extracting(ReaderStats::inFlight, ReaderStats::openGenerations, ReaderStats::swaps)
                    .containsExactly(0, 1, 1L);

            held.get().close(); // a second close must not release the (already freed) generation again
            assertThatThrownBy(() -> held.get().index(FLAT_24H)).isInstanceOf(IllegalStateException.class);

            IndexSet last = reader.acquire();
            last.close();
            last.close(); // nor take a second reference off the live one
            assertThat(reader.search(FLAT_24H, random(1, 4), 3).n()).isEqualTo(1);
            assertThat(reader.stats().openGenerations()).isEqualTo(1);

            // closing the reader keeps an acquired set usable; its close frees the last generation
            IndexSet kept = reader.acquire();
            reader.close();
            reader.close();
            assertThat(kept.index(FLAT_24H).search(random(1, 5), 3).n()).isEqualTo(1);
            assertThat(kept.generation().indices().values()).noneMatch(Index::isClosed);
            kept.close();
            assertThat(kept.generation().indices().values()).allMatch(Index::isClosed);
            assertThatThrownBy(reader::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void aGenerationThatFailsToOpenIsNotPublishedAndPolledRetriesBackOff() throws Exception {
        TestGenerations gens = new TestGenerations(root);
        String first = gens.deploy(1);
        try (LiveIndexSet reader = LiveIndexSet.open(ReaderOptions.of(root).withPollInterval(Duration.ofMillis(20)))) {
            String broken = gens.write(2, gens.build(2, TestGenerations.KEYS));
            truncate(gens.layout().generation(broken).resolve(IndexKey.parse("48h/ivfpq").fileName()));
            gens.switchTo(broken);

            Thread.sleep(1_000);
            ReaderStats stats = reader.stats();
            assertThat(stats.generationId()).isEqualTo(first);
            // 20 ms doubling: attempts at about 0, 40, 120, 280, 600 ms; not one per poll (50)
            assertThat(stats.failedSwaps()).isBetween(1L, 7L);
            assertThat(stats.openGenerations()).as("nothing of the broken generation is held").isEqualTo(1);
            assertIdsBelow(reader.search(FLAT_24H, random(2, 6), 3), BASE_ROWS + 1);

            String third = gens.deploy(3);
            awaitGeneration(reader, third);
            assertThat(reader.stats().swaps()).isEqualTo(1);
            awaitOneOpenGeneration(reader);
        }
    }

    @Test
    void opensOnlyTheIndicesAsked() throws Exception {
        new TestGenerations(root).deploy(1);
        try (LiveIndexSet reader = LiveIndexSet.open(manual().withKeys(List.of(FLAT_24H)));
             IndexSet set = reader.acquire()) {
            assertThat(set.keys()).containsExactly(FLAT_24H);
            assertThat(set.index(FLAT_24H).entry().ntotal()).isEqualTo(BASE_ROWS + 1);
            assertThatThrownBy(() -> set.index(IndexKey.parse("6h/ivfpq"))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void withoutALiveGenerationSearchesFailClearlyUntilOneIsDeployed() throws Exception {
        try (LiveIndexSet reader = LiveIndexSet.open(manual())) {
            assertThatThrownBy(reader::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("no live generation");
            String first = new TestGenerations(root).deploy(1);
            assertThat(reader.refresh()).isTrue();
            assertThat(reader.generationId()).contains(first);
            assertThat(reader.stats().swaps()).as("the first generation is an open, not a swap").isZero();
        }
    }

    private ReaderOptions manual() {
        return ReaderOptions.of(root).withPollInterval(Duration.ZERO).withSearchThreads(1);
    }

    static void awaitGeneration(LiveIndexSet reader, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!reader.generationId().orElse("").equals(id)) {
            if (System.nanoTime() > deadline) throw new AssertionError("reader still on " + reader.stats() + ", expected " + id);
            Thread.sleep(5);
        }
    }

    /** The retired set is freed just after its successor is published, on the swapper thread. */
    static void awaitOneOpenGeneration(LiveIndexSet reader) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (reader.stats().openGenerations() > 1 && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(reader.stats().openGenerations()).isEqualTo(1);
    }

    static float[] random(int rows, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * DIM];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    private static void assertIdsBelow(SearchResult r, long ntotal) {
        assertThat(LongStream.of(r.ids()).min().orElseThrow()).isNotNegative();
        assertThat(LongStream.of(r.ids()).max().orElseThrow()).isLessThan(ntotal);
    }

    private static void truncate(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
