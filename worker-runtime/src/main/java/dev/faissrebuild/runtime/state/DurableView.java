package dev.faissrebuild.runtime.state;

import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.loop.ViewReading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A materialised view that outlives the retention of the topics it is folded from, as a Kafka
 * Streams KTable does: its entries live in a compacted state topic together with how far into each
 * input partition they have folded ({@link StatePositions}). On start it restores the entries, then
 * folds the inputs from those positions on. The owner (a transactional id) writes each batch's
 * changed entries, the new positions and the events its ticks produce in ONE Kafka transaction, so
 * the state, the positions and the events never disagree after a crash; a second owner fences the
 * first. A reader without an id (the CLI) restores and folds the same way but writes nothing.
 */
public final class DurableView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DurableView.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private final String name;
    private final KafkaSettings kafka;
    private final String stateTopic;
    private final List<String> inputs;
    private final DurableState state;
    private final String transactionalId;
    private final Duration tickEvery;
    private final EventSerde serde = EventSerde.standard();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Map<String, byte[]> unwritten = new LinkedHashMap<>();
    private final List<Outgoing> unpublished = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String fatal;
    private volatile Instant lastPoll = Instant.now();
    private KafkaConsumer<String, byte[]> consumer;
    private StatePositions positions;
    private boolean positionsMoved;

    private DurableView(String name, KafkaSettings kafka, String stateTopic, List<String> inputs, DurableState state,
                        String transactionalId, Duration tickEvery) {
        this.name = name;
        this.kafka = kafka;
        this.stateTopic = stateTopic;
        this.inputs = inputs;
        this.state = state;
        this.transactionalId = transactionalId;
        this.tickEvery = tickEvery;
        this.thread = Thread.ofPlatform().daemon().name(name + "-state").unstarted(this::run);
    }

    /** The owner: restores, folds, writes its state and tick events. */
    public static DurableView own(String name, KafkaSettings kafka, String stateTopic, List<String> inputs, DurableState state,
                                  String transactionalId, Duration tickEvery) {
        DurableView v = new DurableView(name, kafka, stateTopic, inputs, state, transactionalId, tickEvery);
        v.thread.start();
        return v;
    }

    /** A reader: restores and folds, writes nothing. */
    public static DurableView read(String name, KafkaSettings kafka, String stateTopic, List<String> inputs, DurableState state) {
        DurableView v = new DurableView(name, kafka, stateTopic, inputs, state, null, Duration.ZERO);
        v.thread.start();
        return v;
    }

    /** True once the state is restored and every input has been folded up to where it ended when the view started. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Up while the view folds and (for the owner) writes; down when fenced, failed or stuck. */
    public Health.Check health() {
        if (fatal != null) return Health.Check.down(fatal);
        if (!thread.isAlive()) return Health.Check.down("state view stopped");
        long since = Duration.between(lastPoll, Instant.now()).toSeconds();
        if (since > 30) return Health.Check.down("state view has not polled for " + since + " s");
        return Health.Check.up(caughtUp.getCount() == 0 ? "caught up" : "restoring");
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(name + "-state-view", null));
             KafkaProducer<String, byte[]> producer = transactionalId == null ? null
                     : new KafkaProducer<>(kafka.producer(name + "-state-writer", transactionalId))) {
            consumer = c;
            if (producer != null) producer.initTransactions(); // fences an older owner before we read its last state
            Map<String, byte[]> entries = StateTopicReader.readAll(c, stateTopic);
            positions = StatePositions.decode(entries.remove(StatePositions.KEY));
            state.restore(entries);
            Map<TopicPartition, Long> end = positions.seekInputs(c, inputs, name);
            LOG.info("event=state_restored view={} entries={} topic={}", name, entries.size(), stateTopic);
            Instant nextTick = Instant.now();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) ViewReading.fold(serde, r, state::fold, name);
                // the consumer's position, not the last offset + 1: it also steps over transaction markers,
                // so a stored position never points at a marker that retention may delete
                positionsMoved |= positions.update(c);
                lastPoll = Instant.now();
                if (caughtUp.getCount() > 0 && ViewReading.reached(c, end)) caughtUp.countDown();
                if (producer == null) continue;
                if (caughtUp.getCount() == 0 && !Instant.now().isBefore(nextTick)) {
                    unpublished.addAll(state.tick(Instant.now()));
                    nextTick = Instant.now().plus(tickEvery);
                }
                write(producer);
            }
            if (producer != null) write(producer); // a clean stop leaves nothing to fold again
        } catch (WakeupException e) {
            // closing
        } catch (ProducerFencedException e) {
            fatal = "another instance owns " + stateTopic + " (transactional id " + transactionalId + "): " + e.getMessage();
            LOG.error("event=state_writer_fenced view={} error=\"{}\"", name, e.getMessage());
        } catch (RuntimeException e) {
            fatal = e.toString();
            LOG.error("event=state_view_failed view={} error=\"{}\"", name, e.toString(), e);
        }
    }

    /** Writes what changed since the last successful write, in one transaction; on a passing failure, keeps it for the next round. */
    private void write(KafkaProducer<String, byte[]> producer) {
        for (DurableState.StateChange ch : state.drainChanges()) unwritten.put(ch.key(), ch.value());
        if (unwritten.isEmpty() && unpublished.isEmpty() && !positionsMoved) return;
        try {
            producer.beginTransaction();
            unwritten.forEach((k, v) -> producer.send(new ProducerRecord<>(stateTopic, k, v)));
            producer.send(new ProducerRecord<>(stateTopic, StatePositions.KEY, positions.encode()));
            for (Outgoing o : unpublished) producer.send(new ProducerRecord<>(o.topic(), o.key(), serde.encode(o.event())));
            producer.commitTransaction();
            unwritten.clear();
            unpublished.clear();
            positionsMoved = false;
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("event=state_write_failed view={} entries={} events={} error=\"{}\"; will retry", name, unwritten.size(),
                    unpublished.size(), e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException abort) {
                LOG.warn("event=abort_failed view={} error=\"{}\"", name, abort.toString());
            }
        }
    }

    /** Stops folding; the owner's last changes are written first (a clean stop leaves nothing to fold again). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive() && consumer != null) consumer.wakeup();
    }
}
