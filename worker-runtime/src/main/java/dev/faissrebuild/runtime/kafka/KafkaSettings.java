package dev.faissrebuild.runtime.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client settings every producer and consumer of the project shares: idempotent producers, keys as
 * strings, values as bytes (decoded by {@code EventSerde}, so a bad record is dead-lettered rather than
 * failing the client), {@code read_committed} consumers with manual commits.
 *
 * @param extra the operator's {@code kafka.client_properties} (security settings and the like), applied last
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> extra) {

    public Properties producer(String clientId, String transactionalId) {
        Properties p = base(clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // each index key on a partition of its own (murmur2 puts the 8 keys on 4 partitions)
        p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, dev.faissrebuild.events.IndexKeyPartitioner.class.getName());
        if (transactionalId != null) p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.putAll(extra);
        return p;
    }

    public Properties consumer(String clientId, String groupId) {
        Properties p = base(clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (groupId != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.putAll(extra);
        return p;
    }

    private Properties base(String clientId) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", clientId);
        return p;
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, new HashMap<>());
    }
}
