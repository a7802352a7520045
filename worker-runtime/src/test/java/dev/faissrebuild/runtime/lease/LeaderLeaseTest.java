package dev.faissrebuild.runtime.lease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.TopicSpec;
import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.kafka.EmbeddedKafka;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.kafka.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease on a real broker, in one process: a clean stop hands over at once; a term that cannot start is retried. */
class LeaderLeaseTest {
    @TempDir static Path dir;
    static EmbeddedKafka kafka;
    static KafkaSettings settings;
    static final AtomicInteger topics = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        settings = KafkaSettings.of(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static String topic() {
        String t = "lease." + topics.incrementAndGet();
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(new TopicSpec(t, 1)));
        return t;
    }

    /** Work that records which instance ran which term, and stops when closed. */
    static ActiveWork recording(String who, List<String> terms) {
        return term -> {
            terms.add(who + "/" + term);
            CompletableFuture<String> stopped = new CompletableFuture<>();
            return new ActiveWork.Term(() -> stopped.complete("closed"), () -> Health.Check.up("working"), stopped);
        };
    }

    static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(condition.getAsBoolean()).as("within " + timeout).isTrue();
    }

    /** Starts the second lease only once the first is active, so the first is the one a joining standby must leave alone. */
    static LeaderLease startWhenActive(LeaderLease first, java.util.function.Supplier<LeaderLease> second) throws InterruptedException {
        await(first::active, Duration.ofSeconds(30));
        return second.get();
    }

    @Test
    void aStandbyWaitsAndTakesOverAtOnceWhenTheActiveStopsCleanly() throws Exception {
        String topic = topic();
        List<String> terms = new CopyOnWriteArrayList<>();
        try (LeaderLease a = LeaderLease.start("t1", settings, topic, "a", recording("a", terms));
             LeaderLease b = startWhenActive(a, () -> LeaderLease.start("t1", settings, topic, "b", recording("b", terms)))) {
            await(() -> b.health().detail().contains("another instance holds the lease"), Duration.ofSeconds(30));
            assertThat(a.active()).isTrue();
            assertThat(b.health().level()).isEqualTo(Health.Level.UP);

            long stopped = System.nanoTime();
            a.close(); // closed again by the try: a second close does nothing
            // a clean stop leaves the group: no waiting for the session timeout
            await(b::active, LeaderLease.SESSION_TIMEOUT.minusSeconds(5));
            System.out.printf("lease handed over %d ms after a clean stop%n", Duration.ofNanos(System.nanoTime() - stopped).toMillis());
            assertThat(terms).containsExactly("a/1", "b/1");
            assertThat(b.health().detail()).startsWith("active (term 1");
        }
    }

    @Test
    void aTermWhoseWorkCannotStartIsGivenUpAndTriedAgain() throws Exception {
        List<String> terms = new CopyOnWriteArrayList<>();
        ActiveWork flaky = term -> {
            if (term == 1) throw new IllegalStateException("disk not mounted yet");
            return recording("c", terms).start(term);
        };
        try (LeaderLease c = LeaderLease.start("t2", settings, topic(), "c", flaky)) {
            await(c::active, Duration.ofSeconds(30));
            assertThat(terms).containsExactly("c/2");
            assertThat(c.health().detail()).startsWith("active (term 2");
        }
    }
}
