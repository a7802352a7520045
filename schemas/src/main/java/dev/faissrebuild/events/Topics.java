package dev.faissrebuild.events;

import java.util.List;
import java.util.Map;

/**
 * Every topic, in one place. Per-index topics are keyed {@code "24h/ivfpq"} and have enough partitions
 * for the 8 indices to be processed in parallel; each topic has exactly one writing service.
 */
public final class Topics {
    /** Manual rebuild commands from the CLI and the HTTP API. Writer: CLI / API. Reader: trigger. */
    public static final String REBUILD_COMMANDS = "faiss.rebuild.commands";
    /** "Embeddings updated" events of the upstream pipeline. Writer: upstream. Reader: trigger. */
    public static final String EMBEDDINGS_UPDATED = "faiss.embeddings.updated";
    /** What the trigger made of each command (accepted, coalesced, skipped). Writer: trigger. */
    public static final String COMMAND_RESULTS = "faiss.rebuild.command-results";
    /** One RebuildRequested per index. Writer: trigger. Reader: builders. */
    public static final String REBUILD_REQUESTED = "faiss.rebuild.requested";
    /** IndexBuilt / BuildFailed. Writer: builders. Readers: validators, deployer, notifier. */
    public static final String INDEX_BUILT = "faiss.index.built";
    /** IndexValidated / IndexRejected. Writer: validators. Readers: deployer, notifier. */
    public static final String INDEX_VALIDATED = "faiss.index.validated";
    /** GenerationDeployed / DeployFailed / RolledBack. Writer: deployer. Readers: trigger, notifier, readers. */
    public static final String INDEX_DEPLOYED = "faiss.index.deployed";
    /**
     * RebuildCancelled: an operator's cancel, or a rebuild past scheduler.max_rebuild_duration_hours.
     * Writer: trigger. Readers: builders and validators (kill and skip), deployer (ends the rebuild), notifier, status view.
     */
    public static final String CANCELLATIONS = "faiss.rebuild.cancellations";
    /** BuildProgress: advisory, for status and progress bars. Writer: builders. Readers: status view, CLI. */
    public static final String BUILD_PROGRESS = "faiss.build.progress";
    /** Operators' actions, one JSON line each (not Avro: read by people and log shippers). Writers: the CLI, the trigger's HTTP API. */
    public static final String AUDIT = "faiss.audit";
    /** Alerts firing and resolved. Writer: the trigger's alert monitor. Reader: notifier. */
    public static final String ALERTS = "faiss.alerts";
    /**
     * The trigger's durable state: the status view, the rebuild history behind the metrics and the
     * cool-down, the firing alerts, and how far into the event topics it has folded. Compacted (one
     * record per key for ever), so the state outlives the event topics' retention. Writer: trigger.
     * Values are JSON. Readers: the trigger on start-up, the CLI's status.
     */
    public static final String REBUILD_STATE = "faiss.rebuild.state";
    /**
     * The deployer's lease: one partition, held through the consumer group "deployer-lease" of every
     * deployer instance; the member assigned the partition is the active deployer, the others are hot
     * standbys. Writer: none (no record is ever written: the assignment is the lease). Readers: the
     * deployer instances, as that group.
     */
    public static final String DEPLOYER_LEASE = "faiss.deployer.lease";
    /** Records no worker could decode or process, with the reason in headers. */
    public static final String DEAD_LETTER = "faiss.deadletter";

    /** Partitions of per-index topics: at least the 8 indices, so all can be worked on at once. */
    public static final int PER_INDEX_PARTITIONS = 8;

    private Topics() {}

    /**
     * The partition of an index key on a per-index topic: its place in {@link dev.faissrebuild.model.IndexKey#all()}
     * (6h/flatip 0, 6h/ivfpq 1, … 48h/ivfpq 7), the same from every client (Java's {@link IndexKeyPartitioner},
     * the Python client, {@code kcat -p}); null for other topics and keys.
     */
    public static Integer partitionOf(String topic, String key) {
        if (!topic.equals(REBUILD_REQUESTED) && !topic.equals(INDEX_BUILT) && !topic.equals(INDEX_VALIDATED)) return null;
        try {
            int i = dev.faissrebuild.model.IndexKey.all().indexOf(dev.faissrebuild.model.IndexKey.parse(key));
            return i < 0 ? null : i;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static List<TopicSpec> all() {
        return List.of(
                new TopicSpec(REBUILD_COMMANDS, 1),
                new TopicSpec(EMBEDDINGS_UPDATED, 1),
                new TopicSpec(COMMAND_RESULTS, 1),
                new TopicSpec(REBUILD_REQUESTED, PER_INDEX_PARTITIONS),
                new TopicSpec(INDEX_BUILT, PER_INDEX_PARTITIONS),
                new TopicSpec(INDEX_VALIDATED, PER_INDEX_PARTITIONS),
                new TopicSpec(INDEX_DEPLOYED, 1),
                new TopicSpec(ALERTS, 1),
                new TopicSpec(AUDIT, 1),
                new TopicSpec(CANCELLATIONS, 1),
                new TopicSpec(BUILD_PROGRESS, PER_INDEX_PARTITIONS, Map.of("retention.ms", Long.toString(java.time.Duration.ofDays(1).toMillis()))),
                TopicSpec.compacted(REBUILD_STATE),
                new TopicSpec(DEPLOYER_LEASE, 1),
                new TopicSpec(DEAD_LETTER, 1));
    }
}
