package dev.faissrebuild.follower;

import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.http.OpsServer;
import dev.faissrebuild.runtime.http.TextGauges;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.store.PublishedGenerations;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync agent's loop: a pass at start, at every record on {@code faiss.index.deployed} (GenerationDeployed,
 * RolledBack: the deployer has just moved {@code LIVE}) and every poll interval as a safety net (a lost
 * wake-up, a Kafka outage, no Kafka at all). The events only wake it: the store's {@code LIVE} is what it
 * follows, so a missed or repeated event cannot make a host serve the wrong generation.
 */
public final class FollowerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerService.class);
    private final GenerationFollower follower;
    private final PublishedGenerations published;
    private final Duration poll;
    private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FollowerState state;
    private final OpsServer ops;
    private volatile boolean running = true;
    private KafkaConsumer<String, byte[]> consumer;

    /** @param kafka empty: polling only */
    public FollowerService(GenerationFollower follower, PublishedGenerations published, Duration poll, Optional<KafkaSettings> kafka,
                           String bindAddress, int port) {
        this.follower = follower;
        this.published = published;
        this.poll = poll;
        this.state = new FollowerState(registry, Clock.systemUTC(), follower.layout().liveGenerationId());
        this.ops = OpsServer.start(bindAddress, port).metrics(registry, new TextGauges())
                .health(new Health("follower").check("following", state::check));
        kafka.ifPresent(this::wakeOnDeployEvents);
    }

    public int port() {
        return ops.port();
    }

    /** Runs passes until closed. */
    public void run() {
        while (running) {
            pass();
            try {
                wakeups.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pass() {
        try {
            Optional<PublishedGenerations.Live> live = published.live();
            state.record(follower.syncTo(live), live);
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=follow_pass_failed live_here={} error=\"{}\"", state.liveHere(), e.getMessage());
            state.failed(e.getMessage());
        }
    }

    /** A consumer of its own (no group: every host sees every event), from the end of the topic. */
    private void wakeOnDeployEvents(KafkaSettings kafka) {
        var props = kafka.consumer("follower", null);
        props.remove("group.id");
        props.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(Topics.INDEX_DEPLOYED, 0);
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        Thread.ofPlatform().daemon().name("follow-wakeups").start(() -> {
            try {
                while (running) {
                    if (!consumer.poll(Duration.ofSeconds(1)).isEmpty()) wakeups.offer(Boolean.TRUE);
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                LOG.warn("event=follow_wakeups_stopped error=\"{}\" note=\"polling every {} s continues\"", e.getMessage(), poll.toSeconds());
            } finally {
                consumer.close();
            }
        });
    }

    @Override
    public void close() {
        running = false;
        wakeups.offer(Boolean.TRUE);
        if (consumer != null) consumer.wakeup();
        ops.close();
        published.store().close();
    }
}
