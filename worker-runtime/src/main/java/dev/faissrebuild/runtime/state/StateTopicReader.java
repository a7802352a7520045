package dev.faissrebuild.runtime.state;

import dev.faissrebuild.runtime.loop.ViewReading;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reads a compacted state topic to its end: the latest value of every key, deleted keys left out. */
final class StateTopicReader {
    private StateTopicReader() {}

    /**
     * Reads with the consumer's isolation (read_committed): the end is the last stable offset, so an
     * owner's half-written transaction is never part of the state.
     */
    static Map<String, byte[]> readAll(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) throw new IllegalStateException("state topic " + topic + " does not exist");
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<String, byte[]> entries = new HashMap<>();
        while (!ViewReading.reached(consumer, end)) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() == null) entries.remove(r.key());
                else entries.put(r.key(), r.value());
            }
        }
        consumer.unsubscribe();
        return entries;
    }
}
