package dev.faissrebuild.reader;

import static dev.faissrebuild.reader.TestGenerations.BASE_ROWS;
import static dev.faissrebuild.reader.TestGenerations.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.testing.PythonFaiss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's live-readers acceptance: generations are deployed one after another (each rebuilding 6 of
 * the 8 indices, the other 2 hard-linked from the previous generation) while Java threads and a Python
 * FAISS process read: through {@link LiveIndexSet}, through the fixed per-file paths, and (Python) by
 * resolving {@code current} once. No open or search may fail, and no set read through one resolution
 * of {@code current} may hold files of two generations: a file built for generation g holds
 * {@code BASE_ROWS + g} vectors, checked against what the test itself deployed.
 */
class LiveReadersTest {
    private static final int SWAPS = 100;
    private static final Duration POLL = Duration.ofMillis(10);

    @TempDir
    Path root;
    @TempDir
    Path work;

    @Test
    @Timeout(600)
    void readersNeverFailNorMixWhileGenerationsAreSwapped() throws Exception {
        TestGenerations gens = new TestGenerations(root);
        gens.deploy(0);
        // the builders' output for every generation, ready before the readers start
        List<Map<IndexKey, Path>> staged = new ArrayList<>();
        Map<String, Map<IndexKey, Long>> expected = new ConcurrentHashMap<>();
        Map<IndexKey, Long> ntotals = new HashMap<>();
        for (IndexKey key : KEYS) ntotals.put(key, (long) BASE_ROWS);
        expected.put(TestGenerations.id(0), Map.copyOf(ntotals));
        for (int g = 1; g <= SWAPS; g++) {
            List<IndexKey> rebuilt = rebuiltIn(g);
            staged.add(gens.build(g, rebuilt));
            for (IndexKey key : rebuilt) ntotals.put(key, (long) BASE_ROWS + g);
            expected.put(TestGenerations.id(g), Map.copyOf(ntotals));
        }

        Tally sets = new Tally();
        Tally fixed = new Tally();
        AtomicBoolean stop = new AtomicBoolean();
        Path stopFile = work.resolve("stop");
        Path readyFile = work.resolve("ready");
        double[] switchMs = new double[SWAPS];
        double[] delayMs = new double[SWAPS];
        ReaderStats finalStats;
        JsonNode python;
        ExecutorService pool = Executors.newFixedThreadPool(5); // platform threads for FAISS calls (DESIGN §9)
        try (LiveIndexSet reader = LiveIndexSet.open(ReaderOptions.of(root).withPollInterval(POLL).withSearchThreads(1))) {
            List<Future<?>> readers = new ArrayList<>();
            for (int i = 0; i < 2; i++) readers.add(pool.submit(() -> readSets(reader, expected, sets, stop)));
            for (int i = 0; i < 2; i++) readers.add(pool.submit(() -> readFixedPaths(gens.layout(), fixed, stop)));
            List<String> args = new ArrayList<>(List.of(root.toString(), stopFile.toString(), readyFile.toString(),
                    String.valueOf(BASE_ROWS), String.valueOf(BASE_ROWS + SWAPS), "300"));
            KEYS.forEach(k -> args.add(k.fileName()));
            CompletableFuture<JsonNode> py = CompletableFuture.supplyAsync(
                    () -> PythonFaiss.runScript("/python/live_readers.py", args.toArray(String[]::new)), pool);
            awaitFile(readyFile, py);

            for (int g = 1; g <= SWAPS; g++) {
                String id = gens.write(g, staged.get(g - 1));
                switchMs[g - 1] = gens.switchTo(id);
                long switched = System.nanoTime();
                while (!reader.generationId().orElse("").equals(id)) {
                    if (System.nanoTime() - switched > Duration.ofSeconds(20).toNanos()) throw new AssertionError("reader stuck: " + reader.stats());
                    LockSupport.parkNanos(100_000);
                }
                delayMs[g - 1] = (System.nanoTime() - switched) / 1e6;
            }
            Thread.sleep(300); // a last round of reads on the final generation
            stop.set(true);
            Files.createFile(stopFile);
            for (Future<?> f : readers) f.get(60, TimeUnit.SECONDS);
            python = py.get(120, TimeUnit.SECONDS);
            finalStats = reader.stats();
        } finally {
            pool.shutdownNow();
        }

        System.out.printf("live readers: %d swaps; GenerationSwitch.switchTo p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                        + "reader swap delay (poll %d ms) p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                SWAPS, percentile(switchMs, 50), percentile(switchMs, 99), max(switchMs), POLL.toMillis(),
                percentile(delayMs, 50), percentile(delayMs, 99), max(delayMs));
        System.out.println("  java LiveIndexSet readers: " + sets + "; java fixed-path readers: " + fixed);
        System.out.println("  python: " + python + "; reader: " + finalStats);

        assertThat(sets.problems).as("LiveIndexSet readers: " + sets.errors).isEmpty();
        assertThat(fixed.problems).as("fixed-path readers: " + fixed.errors).isEmpty();
        assertThat(sets.consistentSets.get()).isPositive();
        assertThat(sets.generations).hasSizeGreaterThan(SWAPS / 2);
        assertThat(fixed.generations).hasSizeGreaterThan(SWAPS / 2);
        for (String kind : List.of("failed_opens", "failed_searches", "bad_files", "mixed_sets")) {
            assertThat(python.get(kind).asLong()).as("python " + kind + ": " + python.get("errors")).isZero();
        }
        assertThat(python.get("stopped_by_deadline").asBoolean()).isFalse();
        assertThat(python.get("consistent_sets").asLong()).isPositive();
        assertThat(python.get("generations_seen").asInt()).isGreaterThan(1);
        assertThat(finalStats).extracting(ReaderStats::swaps, ReaderStats::failedSwaps, ReaderStats::inFlight, ReaderStats::openGenerations)
                .containsExactly((long) SWAPS, 0L, 0, 1);
    }

    /** 6 of 8 rebuilt; a different pair carried over each generation. */
    private static List<IndexKey> rebuiltIn(int g) {
        List<IndexKey> keep = List.of(KEYS.get(g % 8), KEYS.get((g + 3) % 8));
        return KEYS.stream().filter(k -> !keep.contains(k)).toList();
    }

    /** Whole sets through the reader: every file must be the one the test deployed in that generation. */
    private static void readSets(LiveIndexSet reader, Map<String, Map<IndexKey, Long>> expected, Tally t, AtomicBoolean stop) {
        float[] queries = LiveIndexSetTest.random(4, 11);
        while (!stop.get()) {
            try (IndexSet set = reader.acquire()) {
                Map<IndexKey, Long> want = expected.get(set.generationId());
                boolean mixed = !set.manifest().generationId().equals(set.generationId());
                for (IndexKey key : KEYS) {
                    LeasedIndex index = set.index(key);
                    long n = index.ntotal();
                    mixed |= n != want.get(key);
                    t.searched(index.search(queries, 5), n);
                }
                t.set(set.generationId(), mixed);
            } catch (RuntimeException e) {
                t.problem("failed_searches", e);
            }
        }
    }

    /** Each file alone through {@code indices/faiss_*.faiss}, as the legacy service reads it. */
    private static void readFixedPaths(IndicesLayout layout, Tally t, AtomicBoolean stop) {
        float[] queries = LiveIndexSetTest.random(4, 12);
        while (!stop.get()) {
            for (IndexKey key : KEYS) {
                Index index;
                try {
                    index = Index.read(layout.liveFile(key)).threads(1);
                    t.opens.incrementAndGet();
                } catch (RuntimeException e) {
                    t.problem("failed_opens", e);
                    continue;
                }
                try (index) {
                    long n = index.ntotal();
                    if (n < BASE_ROWS || n > BASE_ROWS + SWAPS) t.problem("bad_files", new IllegalStateException(key + " holds " + n));
                    t.generations.add("built-" + (n - BASE_ROWS));
                    t.searched(index.search(queries, 5), n);
                } catch (RuntimeException e) {
                    t.problem("failed_searches", e);
                }
            }
        }
    }

    /** What one kind of reader counted, across its threads. */
    private static final class Tally {
        final AtomicLong opens = new AtomicLong();
        final AtomicLong searches = new AtomicLong();
        final AtomicLong consistentSets = new AtomicLong();
        final Set<String> generations = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicLong> problems = new ConcurrentHashMap<>();
        final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

        void searched(SearchResult r, long ntotal) {
            if (LongStream.of(r.ids()).anyMatch(id -> id < 0 || id >= ntotal)) {
                problem("failed_searches", new IllegalStateException("ids out of range: " + Arrays.toString(r.ids())));
            } else {
                searches.incrementAndGet();
            }
        }

        void set(String generation, boolean mixed) {
            generations.add(generation);
            if (mixed) problem("mixed_sets", new IllegalStateException("generation " + generation + " mixed"));
            else consistentSets.incrementAndGet();
        }

        void problem(String kind, Exception e) {
            problems.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            if (errors.size() < 10) errors.add(kind + ": " + e);
        }

        @Override
        public String toString() {
            return (opens.get() > 0 ? "opens=" + opens + " " : "") + "searches=" + searches
                    + (consistentSets.get() > 0 ? " consistent_sets=" + consistentSets : "") + " generations_seen=" + generations.size()
                    + " problems=" + problems;
        }
    }

    private static void awaitFile(Path file, CompletableFuture<?> writer) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file)) {
            if (writer.isDone()) writer.get(); // surfaces the Python failure
            if (System.nanoTime() > deadline) throw new AssertionError("python reader not ready after 60 s");
            Thread.sleep(20);
        }
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double p) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[(int) Math.ceil(p / 100 * v.length) - 1];
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }
}
