package dev.faissrebuild.runtime.lease;

import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active instance of a worker, any number of hot standbys. Every instance is a member of one consumer
 * group on a one-partition topic; the member the group assigns that partition to is active and runs the
 * {@link ActiveWork}, the others wait. The partition is the lease: Kafka's group coordinator gives it to
 * one member at a time and moves it when that member leaves (at once) or stops heartbeating (after
 * {@link #SESSION_TIMEOUT}). The cooperative sticky assignor leaves it where it is when a standby joins,
 * so a second instance never disturbs a running one.
 *
 * <p>The lease says who should work; fencing makes it safe when two believe they should (a paused
 * active whose session expired): the work uses a fixed transactional id and {@code group.instance.id},
 * so the new active's clients fence the old one's. An active whose work stops by itself (fenced, failed)
 * steps down, leaves the group so another instance can take over, and rejoins as a candidate after
 * {@link #REJOIN_PAUSE}; it never stays broken.
 */
public final class LeaderLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
    /**
     * How long the active may be silent before a standby takes over. Detection is most of a takeover
     * (the rest: one rebalance and starting the work, 1–3 s), so 10 s keeps takeover well within 30 s,
     * while a heartbeat thread starved for several seconds on a busy 2-core host does not flip leadership.
     * Within the broker's default bounds (group.min.session.timeout.ms 6 s).
     */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** Between stepping down and rejoining: the other instances get the lease first, and a failing start does not spin. */
    static final Duration REJOIN_PAUSE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String name;
    private final KafkaSettings kafka;
    private final String topic;
    private final String memberId;
    private final ActiveWork work;
    private final Thread thread;
    private volatile LeaseRole role = new LeaseRole.Standby(Instant.now(), "joining the lease", false);
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private boolean giveUp;
    private int terms;

    private LeaderLease(String name, KafkaSettings kafka, String topic, String memberId, ActiveWork work) {
        this.name = name;
        this.kafka = kafka;
        this.topic = topic;
        this.memberId = memberId;
        this.work = work;
        this.thread = Thread.ofPlatform().name(name + "-lease").unstarted(this::run);
    }

    /**
     * Joins the lease of {@code name} (group {@code <name>-lease} on {@code topic}) as {@code memberId}, a
     * static member: an instance restarted with the same id takes its old place at once.
     */
    public static LeaderLease start(String name, KafkaSettings kafka, String topic, String memberId, ActiveWork work) {
        LeaderLease lease = new LeaderLease(name, kafka, topic, memberId, work);
        lease.thread.start();
        return lease;
    }

    public boolean active() {
        return role instanceof LeaseRole.Active;
    }

    /** Standby is a healthy state; an active instance is as healthy as its work. */
    public Health.Check health() {
        return switch (role) {
            case LeaseRole.Active a -> {
                Health.Check c = a.term().health().get();
                yield new Health.Check(c.level(), "active (term " + a.number() + " since " + a.since() + "): " + c.detail());
            }
            case LeaseRole.Standby s -> Health.Check.up("standby since " + s.since() + ": " + s.why());
            case LeaseRole.Failing f -> Health.Check.warning("cannot take part in the lease since " + f.since() + ": " + f.error()
                    + "; retrying every " + REJOIN_PAUSE.toSeconds() + " s");
            case LeaseRole.Stopped x -> Health.Check.down("stopped");
        };
    }

    private void run() {
        while (running) {
            String why = membership();
            if (!running) break;
            LOG.info("event=lease_rejoin lease={} instance={} pause_ms={} reason=\"{}\"", name, memberId, REJOIN_PAUSE.toMillis(), why);
            try {
                Thread.sleep(REJOIN_PAUSE);
            } catch (InterruptedException e) {
                break;
            }
        }
        role = new LeaseRole.Stopped();
    }

    /** One membership of the lease group, until closing or until the active's work stops by itself; returns why it ended. */
    private String membership() {
        KafkaConsumer<String, byte[]> c = null;
        String ended = "closing";
        try {
            c = new KafkaConsumer<>(properties());
            consumer = c;
            c.subscribe(List.of(topic), new Listener());
            while (running && (ended = endedByItself()) == null) c.poll(POLL);
            if (ended == null) ended = "closing";
        } catch (WakeupException e) {
            ended = "closing";
        } catch (KafkaException e) {
            ended = "lease client failed: " + e;
            LOG.warn("event=lease_failed lease={} instance={} error=\"{}\"", name, memberId, e.toString());
            if (!active()) role = new LeaseRole.Failing(Instant.now(), e.toString());
        } finally {
            stepDown(ended); // the work ends before the lease is released: never two actives by our doing
            if (c != null) leave(c);
        }
        return ended;
    }

    private void leave(KafkaConsumer<String, byte[]> c) {
        try {
            c.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (KafkaException e) {
            LOG.warn("event=lease_close_failed lease={} error=\"{}\"", name, e.toString());
        }
    }

    /** Why this membership must end (the active's work stopped, or could not start), or null. */
    private String endedByItself() {
        if (giveUp) {
            giveUp = false;
            return "the work could not start";
        }
        if (role instanceof LeaseRole.Active a && a.term().stopped().isDone()) return "the work stopped: " + a.term().stopped().join();
        return null;
    }

    private void becomeActive() {
        int term = ++terms;
        LOG.info("event=lease_acquired lease={} instance={} term={}", name, memberId, term);
        try {
            role = new LeaseRole.Active(term, Instant.now(), work.start(term));
        } catch (Exception e) {
            LOG.error("event=lease_work_failed lease={} instance={} term={} error=\"{}\"", name, memberId, term, e.toString(), e);
            role = new LeaseRole.Standby(Instant.now(), "stepped down: the work could not start: " + e, false);
            giveUp = true;
        }
    }

    private void stepDown(String why) {
        if (!(role instanceof LeaseRole.Active a)) return;
        LOG.warn("event=lease_released lease={} instance={} term={} reason=\"{}\"", name, memberId, a.number(), why);
        try {
            a.term().work().close();
        } catch (Exception e) {
            LOG.warn("event=lease_work_close_failed lease={} term={} error=\"{}\"", name, a.number(), e.toString());
        }
        role = new LeaseRole.Standby(Instant.now(), "stepped down: " + why, false);
    }

    private Properties properties() {
        Properties p = kafka.consumer(name + "-lease-" + memberId, name + "-lease");
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, memberId);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(SESSION_TIMEOUT.toMillis()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(HEARTBEAT.toMillis()));
        // sticky: a joining standby must not take the partition from the active
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return p;
    }

    /** Runs on the lease thread, inside poll: holding the partition is being active. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && !active()) {
                becomeActive();
            } else if (!active() && !(role instanceof LeaseRole.Standby s && s.joined())) {
                LOG.info("event=lease_standby lease={} instance={}", name, memberId);
                role = new LeaseRole.Standby(Instant.now(), "another instance holds the lease", true);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) stepDown("the lease moved to another instance");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) stepDown("the lease was lost (no heartbeat within the session timeout)");
        }
    }

    /** Ends the active's work (within its grace period), then leaves the group so a standby takes over at once. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofMinutes(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (thread.isAlive() && c != null) c.wakeup();
    }
}
