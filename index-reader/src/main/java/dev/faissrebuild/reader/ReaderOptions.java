package dev.faissrebuild.reader;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link LiveIndexSet} finds and follows the live generation.
 *
 * @param indicesRoot   the {@code indices/} directory the deployer writes
 * @param keys          the indices to open; empty means every index the generation's manifest lists
 * @param pollInterval  how often {@code current} is re-read; {@link Duration#ZERO} turns polling off
 *                      (then only Kafka events or {@link LiveIndexSet#refresh()} swap); null takes the
 *                      default: 100 ms without Kafka, where polling is the signal, 10 s with Kafka,
 *                      where it is only the safety net for a missed event or a swap to retry.
 * @param kafka         when set, {@code GenerationDeployed} and {@code RolledBack} on
 *                      {@code faiss.index.deployed} make the reader look at {@code current} at once
 * @param searchThreads OpenMP threads per search call; 0 keeps FAISS's default (every core). A service
 *                      that searches from many threads of its own usually wants 1.
 */
public record ReaderOptions(Path indicesRoot, List<IndexKey> keys, Duration pollInterval, KafkaSettings kafka, int searchThreads) {
    static final Duration DEFAULT_POLL = Duration.ofMillis(100);
    static final Duration DEFAULT_POLL_WITH_KAFKA = Duration.ofSeconds(10);

    public ReaderOptions {
        Objects.requireNonNull(indicesRoot, "indicesRoot");
        keys = keys == null ? List.of() : List.copyOf(keys);
        if (pollInterval != null && pollInterval.isNegative()) throw new IllegalArgumentException("pollInterval must not be negative, got " + pollInterval);
        if (searchThreads < 0) throw new IllegalArgumentException("searchThreads must be >= 0, got " + searchThreads);
    }

    /** Every index of the live generation, {@code current} polled every 100 ms, no Kafka. */
    public static ReaderOptions of(Path indicesRoot) {
        return new ReaderOptions(indicesRoot, List.of(), null, null, 0);
    }

    public ReaderOptions withKeys(List<IndexKey> keys) {
        return new ReaderOptions(indicesRoot, keys, pollInterval, kafka, searchThreads);
    }

    public ReaderOptions withPollInterval(Duration interval) {
        return new ReaderOptions(indicesRoot, keys, interval, kafka, searchThreads);
    }

    public ReaderOptions withKafka(KafkaSettings settings) {
        return new ReaderOptions(indicesRoot, keys, pollInterval, settings, searchThreads);
    }

    public ReaderOptions withSearchThreads(int threads) {
        return new ReaderOptions(indicesRoot, keys, pollInterval, kafka, threads);
    }

    /** The poll interval in effect; zero when polling is off. */
    Duration effectivePollInterval() {
        if (pollInterval != null) return pollInterval;
        return kafka == null ? DEFAULT_POLL : DEFAULT_POLL_WITH_KAFKA;
    }
}
