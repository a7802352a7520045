package dev.faissrebuild.runtime.loop;

import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.UndecodableEventException;
import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume → process → produce loop every worker runs, written once.
 *
 * <p>One thread owns the consumer and the producer and never blocks on work: it polls, hands each
 * record to a bounded pool of platform threads (one record per partition at a time, so a partition's
 * order holds), pauses the partitions that are busy, and keeps polling while long tasks run, so a
 * two-hour build never exceeds {@code max.poll.interval.ms}. When a task finishes, its outputs and
 * the record's offset are published together (in one transaction when the spec asks for it).
 * Undecodable records and events the logic declares invalid go to the dead-letter topic with the
 * reason; failures that may pass are retried with exponential backoff, then dead-lettered.
 * {@link #close()} finishes in-flight work within a grace period or hands it back uncommitted.
 */
public final class WorkerLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final WorkerSpec spec;
    private final KafkaSettings kafka;
    private final EventSerde serde;
    private final Duration grace;
    private final ExecutorService pool;
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> pending = new HashMap<>();
    private final Map<TopicPartition, InFlight> inFlight = new HashMap<>();
    private final Set<TopicPartition> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlightCount;
    private final LoopMetrics metrics;
    private final CompletableFuture<String> stopped = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Instant lastPoll = Instant.now();
    private volatile String fatal;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;

    private record InFlight(ConsumerRecord<String, byte[]> record, boolean[] revoked) {}

    /** A finished task: the outputs to publish, or the reason to dead-letter the record. */
    private record Completion(TopicPartition partition, ConsumerRecord<String, byte[]> record, String eventType,
                              List<Outgoing> outputs, String deadLetterReason, boolean[] revoked) {}

    private WorkerLoop(WorkerSpec spec, KafkaSettings kafka, MeterRegistry registry, Duration grace) {
        this.spec = spec;
        this.kafka = kafka;
        this.serde = EventSerde.standard();
        this.grace = grace;
        this.pool = Executors.newFixedThreadPool(spec.concurrency(), Thread.ofPlatform().name(spec.name() + "-task-", 0).factory());
        this.metrics = new LoopMetrics(registry, spec.name());
        this.inFlightCount = metrics.inFlight();
        this.thread = Thread.ofPlatform().name(spec.name() + "-loop").unstarted(this::run);
    }

    /** Starts the loop on its own thread. {@code grace}: how long {@link #close()} lets in-flight work finish. */
    public static WorkerLoop start(WorkerSpec spec, KafkaSettings kafka, MeterRegistry registry, Duration grace) {
        WorkerLoop loop = new WorkerLoop(spec, kafka, registry, grace);
        loop.thread.start();
        return loop;
    }

    public String name() {
        return spec.name();
    }

    /** Completes when the loop has stopped, with why: "closed", or what ended it (fenced, failed). */
    public CompletableFuture<String> stopped() {
        return stopped;
    }

    /** Up while the loop runs and polled recently. */
    public Health.Check health() {
        if (fatal != null) return Health.Check.down(fatal);
        if (!thread.isAlive()) return Health.Check.down("loop stopped");
        Duration since = Duration.between(lastPoll, Instant.now());
        if (since.toSeconds() > 30) return Health.Check.down("no poll for " + since.toSeconds() + " s");
        return Health.Check.up("in flight " + inFlightCount.get() + ", partitions " + owned.size());
    }

    private void run() {
        KafkaConsumer<String, byte[]> c = null;
        try {
            c = new KafkaConsumer<>(consumerProps());
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer(spec.name() + "-producer", spec.transactionalId()))) {
                consumer = c;
                producer = p;
                if (transactional()) producer.initTransactions();
                consumer.subscribe(spec.topics(), new Rebalance());
                LOG.info("event=worker_started worker={} topics={} group={} group_instance_id={} concurrency={} transactional_id={}",
                        spec.name(), spec.topics(), spec.groupId(), spec.groupInstanceId(), spec.concurrency(), spec.transactionalId());
                while (running) cycle();
                drainInFlight();
            }
        } catch (WakeupException e) {
            // close() while blocked in a client call
        } catch (ProducerFencedException | FencedInstanceIdException e) {
            // another process took our transactional id or group.instance.id: it is the live one now
            fatal = "fenced: another instance took over (transactional id " + spec.transactionalId() + ", group.instance.id "
                    + spec.groupInstanceId() + "): " + e.getMessage();
            LOG.error("event=worker_fenced worker={} transactional_id={} group_instance_id={} error=\"{}\"", spec.name(),
                    spec.transactionalId(), spec.groupInstanceId(), e.getMessage());
        } catch (RuntimeException e) {
            fatal = e.toString();
            LOG.error("event=worker_failed worker={} error=\"{}\"", spec.name(), e.toString(), e);
        } finally {
            if (c != null) leaveGroup(c);
            pool.shutdownNow();
            inFlightCount.addAndGet(-inFlight.size()); // handed back: no longer ours (the count outlives this loop)
            LOG.info("event=worker_stopped worker={}", spec.name());
            stopped.complete(fatal != null ? fatal : "closed");
        }
    }

    /**
     * A static member does not leave its group on a plain close (so that a restart can take its place);
     * a loop that stops on purpose leaves, so its partitions move to the others at once instead of after
     * the session timeout.
     */
    private void leaveGroup(KafkaConsumer<String, byte[]> c) {
        try {
            c.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (KafkaException e) {
            LOG.warn("event=consumer_close_failed worker={} error=\"{}\"", spec.name(), e.toString());
        }
    }

    private void cycle() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
            pending.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new ArrayDeque<>()).add(r);
        }
        lastPoll = Instant.now();
        publishCompleted();
        dispatch();
        pauseBusyPartitions();
    }

    /** Starts work on the next record of every idle partition, while pool slots are free. */
    private void dispatch() {
        for (Map.Entry<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> e : pending.entrySet()) {
            TopicPartition tp = e.getKey();
            Deque<ConsumerRecord<String, byte[]>> queue = e.getValue();
            while (!queue.isEmpty() && !inFlight.containsKey(tp) && inFlight.size() < spec.concurrency() && running) {
                ConsumerRecord<String, byte[]> record = queue.poll();
                Incoming incoming;
                try {
                    incoming = new Incoming(record.topic(), record.partition(), record.offset(), record.key(), serde.decode(record.value()));
                } catch (UndecodableEventException ex) {
                    // undecodable: never stop the partition, never drop it silently
                    publish(new Completion(tp, record, serde.typeOf(record.value()), List.of(), "undecodable: " + ex.getMessage(), new boolean[1]));
                    continue;
                }
                InFlight task = new InFlight(record, new boolean[1]);
                inFlight.put(tp, task);
                inFlightCount.incrementAndGet();
                pool.execute(() -> completions.add(process(tp, record, incoming, task.revoked())));
            }
        }
    }

    /** Runs the logic on a pool thread, retrying what may pass; never throws. */
    private Completion process(TopicPartition tp, ConsumerRecord<String, byte[]> record, Incoming incoming, boolean[] revoked) {
        String type = incoming.event().getSchema().getFullName();
        Duration backoff = spec.firstBackoff();
        for (int attempt = 1; ; attempt++) {
            Timer.Sample sample = metrics.start();
            try {
                List<Outgoing> outputs = spec.processor().process(incoming);
                metrics.processed(sample);
                return new Completion(tp, record, type, outputs, null, revoked);
            } catch (PermanentFailure e) {
                return deadLetter(tp, record, incoming, type, "invalid event: " + e.getMessage(), revoked);
            } catch (Exception | Error e) {
                if (e instanceof Error && !(e instanceof AssertionError)) throw (Error) e;
                if (attempt >= spec.maxAttempts() || !running) {
                    return deadLetter(tp, record, incoming, type, "failed after " + attempt + " attempt(s): " + e, revoked);
                }
                metrics.retried();
                LOG.warn("event=retry worker={} topic={} partition={} offset={} attempt={} backoff_ms={} error=\"{}\"",
                        spec.name(), record.topic(), record.partition(), record.offset(), attempt, backoff.toMillis(), e.toString());
                if (!sleep(backoff)) return new Completion(tp, record, type, List.of(), "interrupted during retry: " + e, revoked);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : backoff.multipliedBy(2);
            }
        }
    }

    /** A record that goes to the dead-letter topic, with whatever verdict the logic gives for it. */
    private Completion deadLetter(TopicPartition tp, ConsumerRecord<String, byte[]> record, Incoming incoming, String type, String reason,
                                  boolean[] revoked) {
        List<Outgoing> verdict;
        try {
            verdict = spec.processor().onDeadLetter(incoming, reason);
        } catch (RuntimeException e) {
            LOG.error("event=dead_letter_verdict_failed worker={} topic={} offset={} error=\"{}\"", spec.name(), record.topic(), record.offset(), e.toString());
            verdict = List.of();
        }
        return new Completion(tp, record, type, verdict, reason, revoked);
    }

    private void publishCompleted() {
        Completion done;
        while ((done = completions.poll()) != null) {
            inFlight.remove(done.partition());
            inFlightCount.decrementAndGet();
            if (done.revoked()[0] || !owned.contains(done.partition())) {
                // the partition moved to another instance meanwhile; it will process the record again
                metrics.discarded();
                LOG.info("event=result_discarded worker={} topic={} partition={} offset={} reason=partition_revoked",
                        spec.name(), done.record().topic(), done.record().partition(), done.record().offset());
                continue;
            }
            publish(done);
        }
    }

    /** Publishes a completion's outputs (or its dead letter) and commits its offset, atomically when transactional. */
    private void publish(Completion done) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        if (done.deadLetterReason() != null) {
            records.add(DeadLetters.of(done.record(), spec.name(), done.eventType(), done.deadLetterReason()));
            LOG.warn("event=dead_lettered worker={} topic={} partition={} offset={} key={} type={} reason=\"{}\"", spec.name(),
                    done.record().topic(), done.record().partition(), done.record().offset(), done.record().key(),
                    done.eventType(), done.deadLetterReason());
        }
        for (Outgoing o : done.outputs()) records.add(new ProducerRecord<>(o.topic(), o.key(), serde.encode(o.event())));
        Map<TopicPartition, OffsetAndMetadata> offset = Map.of(done.partition(), new OffsetAndMetadata(done.record().offset() + 1));
        try {
            if (transactional()) {
                producer.beginTransaction();
                records.forEach(producer::send);
                producer.sendOffsetsToTransaction(offset, consumer.groupMetadata());
                producer.commitTransaction();
            } else {
                for (ProducerRecord<String, byte[]> r : records) producer.send(r).get(30, TimeUnit.SECONDS);
                consumer.commitSync(offset);
            }
            if (done.deadLetterReason() != null) metrics.deadLettered();
        } catch (ProducerFencedException | FencedInstanceIdException | OutOfOrderSequenceException | AuthorizationException e) {
            fatal = "fenced or not authorised: " + e;
            running = false;
            throw e;
        } catch (KafkaException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            handBack(done, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handBack(done, e);
        }
    }

    /** Publishing failed: abort, and read the record again so nothing is lost. */
    private void handBack(Completion done, Exception e) {
        LOG.warn("event=publish_failed worker={} topic={} partition={} offset={} error=\"{}\"; will process again",
                spec.name(), done.record().topic(), done.record().partition(), done.record().offset(), e.toString());
        if (transactional()) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abort) {
                LOG.warn("event=abort_failed worker={} error=\"{}\"", spec.name(), abort.toString());
            }
        }
        Deque<ConsumerRecord<String, byte[]>> queue = pending.get(done.partition());
        if (queue != null) queue.clear(); // the seek fetches them again
        consumer.seek(done.partition(), done.record().offset());
    }

    private void pauseBusyPartitions() {
        Set<TopicPartition> busy = new HashSet<>(inFlight.keySet());
        pending.forEach((tp, q) -> {
            if (!q.isEmpty()) busy.add(tp);
        });
        busy.retainAll(owned);
        Set<TopicPartition> idle = new HashSet<>(consumer.paused());
        idle.removeAll(busy);
        if (!busy.isEmpty()) consumer.pause(busy);
        if (!idle.isEmpty()) consumer.resume(idle);
    }

    /** On shutdown: let running tasks finish within the grace period, publishing what completes. */
    private void drainInFlight() {
        long deadline = System.nanoTime() + grace.toNanos();
        pending.clear();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            consumer.pause(consumer.assignment());
            consumer.poll(POLL);
            publishCompleted();
        }
        if (!inFlight.isEmpty()) {
            LOG.warn("event=handed_back worker={} records={} reason=grace_period_over", spec.name(), inFlight.size());
        }
    }

    private boolean transactional() {
        return spec.transactionalId() != null;
    }

    private java.util.Properties consumerProps() {
        java.util.Properties p = kafka.consumer(spec.name() + "-consumer", spec.groupId());
        p.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
        if (spec.groupInstanceId() != null) p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, spec.groupInstanceId());
        return p;
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Keeps {@link #owned} true to the assignment; work of a revoked partition is marked so its result is dropped. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            publishCompleted();
            for (TopicPartition tp : partitions) {
                owned.remove(tp);
                pending.remove(tp);
                InFlight f = inFlight.get(tp);
                if (f != null) f.revoked()[0] = true;
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            owned.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }

    /** Stops polling for new work, waits up to the grace period for running tasks, closes the clients. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(grace.plusSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive() && consumer != null) consumer.wakeup();
    }
}
