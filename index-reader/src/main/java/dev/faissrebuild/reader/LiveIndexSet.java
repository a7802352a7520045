package dev.faissrebuild.reader;

import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.IndicesLayout;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live generation of the index set, for a service that searches it (DESIGN.md §4).
 *
 * <p>Each generation is opened whole from {@code indices/generations/<id>/}, {@code current} resolved
 * once, so every index of a set comes from the same generation. When {@code current} moves (a
 * {@code GenerationDeployed} or {@code RolledBack} event, or the poll) the new generation is opened
 * beside the old one and published; searches already running finish on the old one, whose native
 * memory is freed when its last {@link IndexSet} is closed. Searches never wait for a swap: acquiring
 * a set is a lock-free reference count. A generation that fails to open is not published; the old one
 * stays and the next signal tries again.
 *
 * <p>While old sets drain, two generations are in memory. Search from a bounded pool of platform threads
 * (DESIGN.md §9: each calling thread gets its own OpenMP pool; a virtual thread pins its carrier), and
 * consider {@link ReaderOptions#searchThreads()} 1 when the service parallelises across requests.
 *
 * <pre>{@code
 * try (LiveIndexSet reader = LiveIndexSet.open(ReaderOptions.of(Path.of("/srv/faiss/indices")))) {
 *     SearchResult r = reader.search(IndexKey.parse("24h/flatip"), query, 10);      // one search
 *     try (IndexSet set = reader.acquire()) {                                        // several, one generation
 *         set.index(IndexKey.parse("24h/flatip")).search(query, 10);
 *         set.index(IndexKey.parse("48h/flatip")).search(query, 10);
 *     }
 * }
 * }</pre>
 */
public final class LiveIndexSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveIndexSet.class);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
    private final ReaderOptions options;
    private final IndicesLayout layout;
    private final AtomicReference<OpenGeneration> live = new AtomicReference<>();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong failedSwaps = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger openGenerations = new AtomicInteger();
    private final SwapTriggers triggers;
    /** Serialises swaps and close; searches never take it. */
    private final Object swapLock = new Object();
    private boolean closed; // guarded by swapLock
    private final RetryBackoff backoff;

    private LiveIndexSet(ReaderOptions options) {
        this.options = options;
        this.layout = new IndicesLayout(options.indicesRoot());
        this.triggers = new SwapTriggers(options, this::look);
        this.backoff = new RetryBackoff(options.effectivePollInterval(), MAX_RETRY_DELAY);
    }

    /**
     * Opens the live generation now (when there is one, and it opens) and starts following
     * {@code current}. Without a live generation yet, {@link #acquire()} fails until one is deployed.
     */
    public static LiveIndexSet open(ReaderOptions options) {
        LiveIndexSet reader = new LiveIndexSet(options);
        reader.look("start");
        if (reader.live.get() == null && reader.failedSwaps.get() == 0) {
            LOG.warn("event=reader_no_live_generation root={} (searches fail until a generation is deployed)", reader.layout.root());
        }
        reader.triggers.start();
        return reader;
    }

    /**
     * The live set, held until the returned set is closed.
     *
     * @throws IllegalStateException when no generation is open (none deployed yet, or the reader is closed)
     */
    public IndexSet acquire() {
        while (true) {
            OpenGeneration g = live.get();
            if (g == null) throw new IllegalStateException(closedOrEmpty());
            if (g.retain()) {
                inFlight.incrementAndGet();
                return new IndexSet(g, inFlight::decrementAndGet);
            }
            // g was retired and freed between get() and retain(); live already holds its successor
        }
    }

    /** One search on the live set. */
    public SearchResult search(IndexKey key, float[] queries, int k) {
        try (IndexSet set = acquire()) {
            return set.search(key, queries, k);
        }
    }

    /** The generation new searches get, if one is open. */
    public Optional<String> generationId() {
        return Optional.ofNullable(live.get()).map(OpenGeneration::id);
    }

    /**
     * Looks at {@code current} now and swaps if it names another generation (the swapper thread does
     * the same on every signal). Retries a generation that failed before at once.
     *
     * @return true when a new generation was published
     */
    public boolean refresh() {
        return look("manual");
    }

    private boolean look(String trigger) {
        synchronized (swapLock) {
            if (closed) return false;
            Optional<String> target = layout.liveGenerationId(); // the one readlink this set is resolved from
            OpenGeneration old = live.get();
            String from = old == null ? "none" : old.id();
            if (target.isEmpty() || target.get().equals(from)) return false;
            if (SwapTriggers.POLL.equals(trigger) && !backoff.due(target.get())) return false;
            long t0 = System.nanoTime();
            OpenGeneration next;
            try {
                next = OpenGeneration.open(layout, target.get(), options, this::freed);
            } catch (RuntimeException e) {
                failedSwaps.incrementAndGet();
                Duration retry = backoff.failed(target.get());
                LOG.warn("event=reader_swap_failed from={} to={} trigger={} retry_in_ms={} error=\"{}\"", from, target.get(), trigger,
                        retry.toMillis(), e.getMessage());
                return false;
            }
            openGenerations.incrementAndGet();
            backoff.succeeded();
            live.set(next);
            if (old != null) swaps.incrementAndGet();
            LOG.info("event=reader_swapped from={} to={} open_ms={} trigger={} indices={}", from, next.id(),
                    String.format("%.1f", (System.nanoTime() - t0) / 1e6), trigger, next.indices().size());
            if (old != null) old.release(); // the reader's own reference: freed now, or by its last search
            return true;
        }
    }

    private void freed(OpenGeneration g) {
        openGenerations.decrementAndGet();
        LOG.info("event=reader_generation_closed generation={} still_open={}", g.id(), openGenerations.get());
    }

    public ReaderStats stats() {
        return new ReaderStats(generationId().orElse(null), swaps.get(), failedSwaps.get(), inFlight.get(), openGenerations.get());
    }

    /** Registers the counters as {@code faiss_reader_*} meters. */
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("faiss_reader_swaps", swaps, AtomicLong::get).tag("outcome", "swapped")
                .description("Generations the reader opened and published").register(registry);
        FunctionCounter.builder("faiss_reader_swaps", failedSwaps, AtomicLong::get).tag("outcome", "failed")
                .description("Generations that failed to open and were not published").register(registry);
        Gauge.builder("faiss_reader_in_flight", inFlight, AtomicInteger::get)
                .description("Index sets acquired and not yet released").register(registry);
        Gauge.builder("faiss_reader_open_generations", openGenerations, AtomicInteger::get)
                .description("Generations whose indices are in memory (more than 1 while old sets drain)").register(registry);
    }

    /**
     * Stops following {@code current} and releases the live generation; sets still acquired stay
     * usable and free it when closed. Harmless when repeated.
     */
    @Override
    public void close() {
        synchronized (swapLock) {
            if (closed) return;
            closed = true;
        }
        triggers.close();
        OpenGeneration last = live.getAndSet(null);
        if (last != null) last.release();
    }

    private String closedOrEmpty() {
        synchronized (swapLock) {
            if (closed) return "the index reader is closed";
        }
        return "no live generation under " + layout.root() + " yet (" + layout.current() + " is missing or failed to open)";
    }
}
