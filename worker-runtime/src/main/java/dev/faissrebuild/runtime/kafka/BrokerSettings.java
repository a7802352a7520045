package dev.faissrebuild.runtime.kafka;

import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import kafka.server.KafkaConfig;

/** The configuration of the single-node embedded broker, and why each setting departs from Kafka's defaults. */
final class BrokerSettings {
    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int MIB = 1024 * 1024;

    private BrokerSettings() {}

    static KafkaConfig of(Path logDir, BrokerPorts ports) {
        String host = BrokerPorts.HOST;
        Properties p = new Properties();
        // One process is broker and controller. A static single-voter quorum keeps no voter endpoints
        // in the metadata log, so the controller port may change between runs without harm.
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + ports.controller());
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        // loopback only: the local mode must not expose an unauthenticated broker to the network
        p.put("listeners", "PLAINTEXT://" + host + ":" + ports.broker() + "," + CONTROLLER_LISTENER + "://" + host + ":" + ports.controller());
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + ports.broker());
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());

        // One broker: every internal topic must be satisfiable by it, or groups and transactions never start.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // 50 partitions each by default: slow to create on first use, and pointless on one node.
        // Never change these on an existing data dir: they decide which partition owns a group / transaction.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "1");

        // the application creates its topics with explicit partition counts (TopicAdmin); a typo must fail
        p.put("auto.create.topics.enable", "false");
        // consumers of a fresh group start at once instead of after 3 s
        p.put("group.initial.rebalance.delay.ms", "0");
        // after a crash, a restart waits for the dead incarnation's session to expire (default 9 s)
        p.put("broker.session.timeout.ms", "2000");
        p.put("broker.heartbeat.interval.ms", "500");

        // Small footprint: the cleaner's dedupe buffer (128 MiB default) is allocated on the heap;
        // index files are memory-mapped at their maximum size; few threads.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * MIB));
        p.put("log.cleaner.threads", "1");
        p.put("log.segment.bytes", Integer.toString(64 * MIB));
        p.put("log.index.size.max.bytes", Integer.toString(MIB));
        p.put("metadata.log.segment.bytes", Integer.toString(8 * MIB));
        // retention is checked every 2 s instead of 5 min: a few dozen small logs cost nothing to scan, and
        // a test can watch retention remove events (the durable state must not depend on them)
        p.put("log.retention.check.interval.ms", "2000");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("group.coordinator.threads", "1");
        p.put("share.coordinator.threads", "1");
        requireKnown(p);
        return KafkaConfig.fromProps(p, false);
    }

    /** Kafka only logs unknown keys; a key renamed by an upgrade would silently fall back to its default. */
    private static void requireKnown(Properties p) {
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KafkaConfig.configDef().names());
        if (!unknown.isEmpty()) throw new IllegalStateException("Kafka does not know the broker settings " + unknown);
    }
}
