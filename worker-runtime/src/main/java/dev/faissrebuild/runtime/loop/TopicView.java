package dev.faissrebuild.runtime.loop;

import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A materialised view of topics: reads every partition from the beginning, with no consumer group,
 * and folds each event into caller-owned state, then follows new events. Restarting rebuilds the
 * state from the log, so the view needs no store of its own. {@link #awaitCaughtUp} tells when the
 * history has been read (the view is then as current as the log was at start).
 */
public final class TopicView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicView.class);
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Consumer<Incoming> fold;
    private final EventSerde serde = EventSerde.standard();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    private TopicView(String name, KafkaSettings kafka, List<String> topics, Consumer<Incoming> fold) {
        this.consumer = new KafkaConsumer<>(kafka.consumer(name + "-view", null));
        this.topics = topics;
        this.fold = fold;
        this.thread = Thread.ofPlatform().daemon().name(name + "-view").unstarted(this::run);
    }

    /** Starts following {@code topics}; {@code fold} runs on the view's thread, one event at a time. */
    public static TopicView follow(String name, KafkaSettings kafka, List<String> topics, Consumer<Incoming> fold) {
        TopicView view = new TopicView(name, kafka, topics, fold);
        view.thread.start();
        return view;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                for (PartitionInfo p : consumer.partitionsFor(t, Duration.ofSeconds(30))) partitions.add(new TopicPartition(t, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) ViewReading.fold(serde, r, fold, topics.toString());
                if (caughtUp.getCount() > 0 && ViewReading.reached(consumer, end)) caughtUp.countDown();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("event=view_failed topics={} error=\"{}\"", topics, e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
