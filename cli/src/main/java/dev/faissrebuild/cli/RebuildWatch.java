package dev.faissrebuild.cli;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.BuildProgress;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.UndecodableEventException;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows one rebuild command through the pipeline and prints each index's progress as it happens
 * (building, validating, validated or rejected, deployed), with the elapsed time. Positioned at the end
 * of the topics before the command is published, so it sees exactly what follows.
 */
final class RebuildWatch implements AutoCloseable {
    private static final List<String> TOPICS = List.of(Topics.COMMAND_RESULTS, Topics.REBUILD_REQUESTED, Topics.INDEX_BUILT,
            Topics.INDEX_VALIDATED, Topics.INDEX_DEPLOYED, Topics.CANCELLATIONS, Topics.BUILD_PROGRESS);
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventSerde serde = EventSerde.standard();
    private final PrintWriter out;
    private final Instant started = Instant.now();
    private boolean cancelling;
    private final ProgressBars bars;

    /** How the command ended: the rebuild results seen (deployed or not) and what was validated. */
    record Result(CommandResult decision, List<SpecificRecord> finals, Map<String, IndexValidated> validated) {
        boolean deployed() {
            return !finals.isEmpty() && finals.stream().allMatch(f -> f instanceof GenerationDeployed);
        }

        boolean nothingToDo() {
            return decision != null && !rejected() && decision.getAcceptedKeys().isEmpty() && decision.getCoalesced().isEmpty();
        }

        boolean rejected() {
            return decision != null && decision.getRejectedReason() != null;
        }
    }

    RebuildWatch(KafkaSettings kafka, PrintWriter out) {
        this(kafka, out, ProgressBars.stdoutIsTerminal());
    }

    /** @param terminal draw progress bars in place (else plain lines) */
    RebuildWatch(KafkaSettings kafka, PrintWriter out, boolean terminal) {
        this.out = out;
        this.bars = new ProgressBars(out, terminal, System::nanoTime);
        this.consumer = new KafkaConsumer<>(kafka.consumer("cli-watch", null));
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : TOPICS) consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // fix the positions now, before the command is published
    }

    /** The command followed is a cancel: its decision names the rebuild it stops, not one it starts. */
    RebuildWatch cancelling() {
        cancelling = true;
        return this;
    }

    /** @param toTheEnd false: return once the decision is known */
    Result await(String commandId, Duration timeout, boolean toTheEnd) {
        CommandResult decision = null;
        Set<String> rebuilds = new HashSet<>();
        List<SpecificRecord> finals = new ArrayList<>();
        Map<String, IndexValidated> validated = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                SpecificRecord e = decode(r.value());
                if (e instanceof CommandResult c && c.getCommandId().equals(commandId)) {
                    decision = c;
                    if (c.getRebuildId() != null) rebuilds.add(c.getRebuildId());
                    c.getCoalesced().forEach(x -> rebuilds.add(x.getInRebuildId()));
                    describe(c);
                    if (rebuilds.isEmpty() || !toTheEnd) return new Result(decision, finals, validated);
                } else if (e != null && rebuilds.contains(rebuildOf(e))) {
                    progress(e);
                    if (e instanceof IndexValidated v) validated.put(v.getIndexKey(), v);
                    if (e instanceof GenerationDeployed || e instanceof DeployFailed) {
                        finals.add(e);
                        if (finals.size() == rebuilds.size()) return new Result(decision, finals, validated);
                    }
                }
            }
        }
        if (toTheEnd) out.printf("timed out after %d s waiting for the rebuild to finish (it goes on; see: faiss-rebuild status)%n", timeout.toSeconds());
        out.flush();
        return new Result(decision, finals, validated);
    }

    private void describe(CommandResult c) {
        if (c.getRejectedReason() != null) line("REJECTED: " + c.getRejectedReason());
        if (c.getRebuildId() != null) line("rebuild " + c.getRebuildId() + (cancelling ? " cancelling " : " started for ")
                + String.join(", ", c.getAcceptedKeys()));
        c.getCoalesced().forEach(x -> line(x.getIndexKey() + " is already being rebuilt by " + x.getInRebuildId() + "; following that one"));
        c.getSkipped().forEach(x -> line(x.getIndexKey() + " skipped: " + x.getReason()));
    }

    private void progress(SpecificRecord e) {
        switch (e) {
            case RebuildRequested r -> line(r.getIndexKey() + " building");
            case BuildProgress p -> bars.update(p);
            case RebuildCancelled c -> line("CANCELLED" + (c.getIndexKeys().isEmpty() ? "" : " " + String.join(", ", c.getIndexKeys())) + ": "
                    + c.getReason());
            case IndexBuilt b -> builtLine(b.getIndexKey(), String.format("%s built (%s, %d vectors, %.1f s); validating", b.getIndexKey(), b.getFactory(), b.getNtotal(), b.getBuildSeconds()));
            case BuildFailed f -> builtLine(f.getIndexKey(), f.getIndexKey() + " FAILED to build: " + f.getReason());
            case IndexValidated v when !v.getQualityChecked() -> line(v.getIndexKey()
                    + " passed the structure gate only: validation.enabled = false, so it was not quality-checked");
            case IndexValidated v -> line(String.format("%s validated (recall@%d %.4f, p99 %.3f ms)", v.getIndexKey(), v.getFigures().getK(),
                    v.getFigures().getRecallAtK(), v.getFigures().getLatencyP99Ms()));
            case IndexRejected r -> line(r.getIndexKey() + " REJECTED: " + r.getReason());
            case GenerationDeployed d -> {
                line(String.format("deployed generation %s (%d files, switch %.2f ms)", d.getGenerationId(), d.getFiles().size(), d.getSwapMillis()));
                d.getFiles().stream().filter(f -> f.getRebuilt() && f.getValidationNote() != null)
                        .forEach(f -> line("  " + f.getIndexKey() + " " + f.getValidationNote()));
            }
            case DeployFailed f -> line("NOT deployed: " + f.getReason());
            case RolledBack rb -> line("rolled back from " + rb.getFromGenerationId() + " to " + rb.getToGenerationId() + ": " + rb.getReason());
            default -> { }
        }
    }

    private void line(String text) {
        bars.println(String.format("[%7.1fs] %s", Duration.between(started, Instant.now()).toMillis() / 1000.0, text));
    }

    private void builtLine(String indexKey, String text) {
        bars.done(indexKey);
        line(text);
    }

    private SpecificRecord decode(byte[] bytes) {
        try {
            return serde.decode(bytes);
        } catch (UndecodableEventException e) {
            return null;
        }
    }

    private static String rebuildOf(SpecificRecord e) {
        return switch (e) {
            case RebuildRequested r -> r.getRebuildId();
            case RebuildCancelled c -> c.getRebuildId();
            case BuildProgress p -> p.getRebuildId();
            case IndexBuilt b -> b.getRebuildId();
            case BuildFailed f -> f.getRebuildId();
            case IndexValidated v -> v.getRebuildId();
            case IndexRejected r -> r.getRebuildId();
            case GenerationDeployed d -> d.getRebuildId();
            case DeployFailed f -> f.getRebuildId();
            case RolledBack rb -> rb.getRebuildId();
            default -> null;
        };
    }

    @Override
    public void close() {
        consumer.close();
    }
}
