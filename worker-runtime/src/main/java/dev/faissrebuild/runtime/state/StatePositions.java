package dev.faissrebuild.runtime.state;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far into each input partition a durable view has folded: the next offset to read, per
 * {@code "topic/partition"}, kept in the state topic under {@link #KEY} (JSON) beside the entries it
 * is consistent with.
 */
final class StatePositions {
    static final String KEY = "_positions";
    private static final Logger LOG = LoggerFactory.getLogger(StatePositions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Long> next;

    private StatePositions(Map<String, Long> next) {
        this.next = next;
    }

    static StatePositions decode(byte[] json) {
        if (json == null) return new StatePositions(new TreeMap<>());
        try {
            return new StatePositions(new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, Long>>() {})));
        } catch (IOException e) {
            throw new UncheckedIOException("the state topic's " + KEY + " entry is not valid JSON", e);
        }
    }

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(next);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes the consumer's position on every assigned partition; true if any moved. */
    boolean update(KafkaConsumer<String, byte[]> consumer) {
        boolean moved = false;
        for (TopicPartition tp : consumer.assignment()) {
            long now = consumer.position(tp);
            Long before = next.put(tp.topic() + "/" + tp.partition(), now);
            moved |= before == null || before != now;
        }
        return moved;
    }

    /**
     * Assigns every partition of {@code topics} to the consumer at its stored position (from the start
     * when none is stored). A stored position below the partition's first offset means retention removed
     * events the view never folded (the owner was down longer than the retention): said in the log, and
     * folding resumes at the first event still there. Returns each partition's end offset now.
     */
    Map<TopicPartition, Long> seekInputs(KafkaConsumer<String, byte[]> consumer, List<String> topics, String view) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : topics) {
            for (PartitionInfo p : consumer.partitionsFor(t, Duration.ofSeconds(30))) partitions.add(new TopicPartition(t, p.partition()));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions);
        for (TopicPartition tp : partitions) {
            Long stored = next.get(tp.topic() + "/" + tp.partition());
            long from = stored == null ? first.get(tp) : Math.max(stored, first.get(tp));
            if (stored != null && stored < first.get(tp)) {
                LOG.warn("event=state_gap view={} topic={} partition={} folded_to={} first_available={} lost_offsets={}",
                        view, tp.topic(), tp.partition(), stored, first.get(tp), first.get(tp) - stored);
            }
            consumer.seek(tp, from);
        }
        return consumer.endOffsets(partitions);
    }
}
