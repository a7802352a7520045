package dev.faissrebuild.runtime.kafka;

import dev.faissrebuild.events.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the application's topics with their explicit partition counts. Idempotent, and safe when
 * several processes run it at once: whoever loses a race finds the topic there and moves on.
 */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    /** Tenths of a second to wait for a change to reach the metadata of the broker we ask. */
    private static final int METADATA_ATTEMPTS = 50;

    private TopicAdmin() {}

    /**
     * Creates missing topics and grows those with fewer partitions than specified. Never shrinks a
     * topic (Kafka cannot, and keys would move): one with more partitions is left as it is. Returns
     * once the broker shows every topic with at least its specified partitions.
     */
    public static void ensureTopics(String bootstrapServers, List<TopicSpec> topics) {
        ensureTopics(KafkaSettings.of(bootstrapServers), topics);
    }

    /** The same with the operator's {@code kafka.client_properties} (a SASL or TLS cluster refuses an admin without them). */
    public static void ensureTopics(KafkaSettings kafka, List<TopicSpec> topics) {
        String bootstrapServers = kafka.bootstrapServers();
        Map<String, Object> props = new java.util.HashMap<>(kafka.extra());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            short replication = (short) Math.min(3, admin.describeCluster().nodes().get().size());
            Set<String> existing = admin.listTopics().names().get();
            for (TopicSpec t : topics) {
                if (!existing.contains(t.name())) create(admin, t, replication);
            }
            Map<String, Integer> current = partitionCounts(admin, topics, false);
            for (TopicSpec t : topics) {
                if (current.get(t.name()) < t.partitions()) grow(admin, t, current.get(t.name()));
            }
            partitionCounts(admin, topics, true);
            enforceConfigs(admin, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            throw new KafkaException("Could not ensure the topics at " + bootstrapServers + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static void create(Admin admin, TopicSpec t, short replication) throws InterruptedException, ExecutionException {
        try {
            admin.createTopics(List.of(new NewTopic(t.name(), t.partitions(), replication).configs(t.configs()))).all().get();
            log.info("Created topic {} with {} partitions, replication factor {}", t.name(), t.partitions(), replication);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw e; // another process was first
        }
    }

    /**
     * Sets the settings a topic depends on where they differ (a state topic someone created by hand
     * without compaction would lose its state with retention). Only the keys the spec names are touched.
     */
    private static void enforceConfigs(Admin admin, List<TopicSpec> topics) throws InterruptedException, ExecutionException {
        Map<ConfigResource, TopicSpec> withConfigs = topics.stream().filter(t -> !t.configs().isEmpty())
                .collect(Collectors.toMap(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name()), t -> t));
        if (withConfigs.isEmpty()) return;
        Map<ConfigResource, Config> actual = admin.describeConfigs(withConfigs.keySet()).all().get();
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        withConfigs.forEach((resource, spec) -> spec.configs().forEach((key, value) -> {
            ConfigEntry now = actual.get(resource).get(key);
            if (now == null || !value.equals(now.value())) {
                changes.computeIfAbsent(resource, r -> new ArrayList<>()).add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
                log.warn("event=topic_config_corrected topic={} key={} was={} now={}", spec.name(), key, now == null ? null : now.value(), value);
            }
        }));
        if (!changes.isEmpty()) admin.incrementalAlterConfigs(changes).all().get();
    }

    private static void grow(Admin admin, TopicSpec t, int current) throws InterruptedException, ExecutionException {
        try {
            admin.createPartitions(Map.of(t.name(), NewPartitions.increaseTo(t.partitions()))).all().get();
            log.info("Increased the partitions of topic {} from {} to {}", t.name(), current, t.partitions());
        } catch (ExecutionException e) {
            // another process grew it first; the final check tells whether it reached our count
            if (!(e.getCause() instanceof InvalidPartitionsException)) throw e;
        }
    }

    /**
     * The partition count of each topic as the broker we ask sees it. A change just made, by us or by
     * another process, may not be in that broker's metadata yet: this waits a little for every topic to
     * exist and, when {@code complete}, to have at least its specified partitions.
     */
    private static Map<String, Integer> partitionCounts(Admin admin, List<TopicSpec> topics, boolean complete)
            throws InterruptedException, ExecutionException {
        List<String> names = topics.stream().map(TopicSpec::name).distinct().toList();
        for (int attempt = 1; ; attempt++) {
            try {
                Map<String, Integer> counts = admin.describeTopics(names).allTopicNames().get().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
                List<TopicSpec> shortOnes = topics.stream().filter(t -> complete && counts.get(t.name()) < t.partitions()).toList();
                if (shortOnes.isEmpty()) return counts;
                if (attempt == METADATA_ATTEMPTS) throw new KafkaException("Topics with fewer partitions than specified: " + shortOnes + ", found " + counts);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == METADATA_ATTEMPTS) throw e;
            }
            Thread.sleep(100);
        }
    }
}
