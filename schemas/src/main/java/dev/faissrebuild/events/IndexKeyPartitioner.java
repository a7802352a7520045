package dev.faissrebuild.events;

import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * Every producer of the project writes per-index events to the partition of their index
 * ({@link Topics#partitionOf}), not to murmur2(key) mod 8, which puts the 8 keys on only 4 of the 8
 * partitions (0: 24h/ivfpq; 1: 12h/*, 48h/*; 4: 24h/flatip; 7: 6h/*): half the builders would idle while
 * the other half queue. Other topics and keys keep Kafka's own rule, so nothing else moves.
 */
public final class IndexKeyPartitioner implements Partitioner {
    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int partitions = cluster.partitionsForTopic(topic).size();
        Integer own = key == null ? null : Topics.partitionOf(topic, key.toString());
        if (own != null && own < partitions) return own;
        return keyBytes == null ? 0 : Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public void close() {}
}
