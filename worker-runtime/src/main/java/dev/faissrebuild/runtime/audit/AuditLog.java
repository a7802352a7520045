package dev.faissrebuild.runtime.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who did what to the indices: every operator action (CLI and HTTP API) as one JSON line, appended to
 * {@code <state dir>/audit.log} (the record that stays on the host) and sent to {@code faiss.audit}
 * when a broker is known (the record that others can follow: {@code kcat -C -t faiss.audit}). JSON
 * rather than Avro: it is read by people and log shippers, and the file and the topic carry the same line.
 */
public final class AuditLog implements AutoCloseable {
    public static final String FILE = "audit.log";
    public static final String TOPIC = dev.faissrebuild.events.Topics.AUDIT;
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /**
     * One action.
     *
     * @param who the OS user (CLI), or "api" with the request's requested_by and whether it carried the token
     * @param action e.g. "rebuild", "backup restore", "POST /api/rebuild"
     * @param outcome e.g. "exit 0", "exit 1", "202 command_id=c-…", "400 …"
     */
    public record Entry(Instant at, String who, String action, List<String> arguments, String outcome, String host) {
        public static Entry now(String who, String action, List<String> arguments, String outcome) {
            return new Entry(Instant.now(), who, action, List.copyOf(arguments), outcome, hostName());
        }
    }

    private final Path stateDir;
    private final KafkaProducer<String, byte[]> producer;

    private AuditLog(Path stateDir, KafkaProducer<String, byte[]> producer) {
        this.stateDir = stateDir;
        this.producer = producer;
    }

    /**
     * An audit log writing to {@code <stateDir>/audit.log} and, when {@code kafka} is given, to the topic
     * through one producer for the life of this object (a long-running process opens it once).
     */
    public static AuditLog open(Path stateDir, KafkaSettings kafka) {
        if (kafka == null) return new AuditLog(stateDir, null);
        var props = kafka.producer("audit", null);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        props.remove(ProducerConfig.PARTITIONER_CLASS_CONFIG);
        return new AuditLog(stateDir, new KafkaProducer<>(props));
    }

    /** Appends the entry to the file and, with a broker, sends it to the topic (waiting at most 5 s). */
    public synchronized void record(Entry entry) {
        String line = line(entry);
        try {
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve(FILE), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log " + stateDir.resolve(FILE), e);
        }
        if (producer != null) send(entry, line);
    }

    public static String line(Entry entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void send(Entry entry, String line) {
        try {
            producer.send(new ProducerRecord<>(TOPIC, entry.action(), line.getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the file has it; the topic is for followers
            LOG.warn("event=audit_not_sent topic={} action=\"{}\" error=\"{}\"", TOPIC, entry.action(), e.toString());
        }
    }

    @Override
    public void close() {
        if (producer != null) producer.close(java.time.Duration.ofSeconds(5));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }
}
