package dev.faissrebuild.deployer;

import dev.faissrebuild.events.EventSerde;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.UndecodableEventException;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The deployer's memory of a rebuild, on disk beside its staged files
 * ({@code staging/<rebuild-id>/outcomes/}): the final outcome of each index (validated, rejected or
 * failed to build) and, once decided, the rebuild's result. Writing is idempotent, so a redelivered
 * event changes nothing, and a restarted deployer knows what it knew.
 */
public final class RebuildLedger {
    private static final String RESULT = "RESULT.event";
    private static final String CANCELLED = "CANCELLED.event";
    /** Beside RESULT when the cancellation decided the rebuild: the outcomes that arrive later have nothing to add. */
    private static final String BY_CANCEL = "RESULT.by-cancel";
    private final IndicesLayout layout;
    private final EventSerde serde = EventSerde.standard();

    RebuildLedger(IndicesLayout layout) {
        this.layout = layout;
    }

    void record(String rebuildId, IndexKey key, SpecificRecord outcome) {
        write(dir(rebuildId).resolve(key.horizon().label() + "_" + key.type().code() + ".event"), outcome);
    }

    /** The outcomes recorded so far for {@code keys}, in their order; missing keys are absent. */
    Map<IndexKey, SpecificRecord> outcomes(String rebuildId, List<IndexKey> keys) {
        Map<IndexKey, SpecificRecord> found = new LinkedHashMap<>();
        for (IndexKey k : keys) {
            Path f = dir(rebuildId).resolve(k.horizon().label() + "_" + k.type().code() + ".event");
            if (Files.isRegularFile(f)) found.put(k, read(f));
        }
        return found;
    }

    /** The file that says a rebuild was decided (deployed or failed): its staged files are no longer needed. */
    public static Path resultFile(IndicesLayout layout, String rebuildId) {
        return layout.staging(rebuildId).resolve("outcomes").resolve(RESULT);
    }

    /** The rebuilds under staging/ that were decided, each with its result. */
    Map<String, SpecificRecord> decided() {
        Map<String, SpecificRecord> out = new LinkedHashMap<>();
        try (var dirs = Files.list(layout.staging())) {
            for (Path d : dirs.sorted().toList()) {
                String id = d.getFileName().toString();
                if (id.startsWith(".") || !Files.isRegularFile(d.resolve("outcomes").resolve(RESULT))) continue;
                out.put(id, read(d.resolve("outcomes").resolve(RESULT)));
            }
        } catch (IOException e) {
            return out; // no staging yet
        }
        return out;
    }

    Optional<SpecificRecord> result(String rebuildId) {
        Path f = resultFile(layout, rebuildId);
        return Files.isRegularFile(f) ? Optional.of(read(f)) : Optional.empty();
    }

    void saveResult(String rebuildId, SpecificRecord result) {
        write(resultFile(layout, rebuildId), result);
    }

    void saveResultOfCancel(String rebuildId, SpecificRecord result) {
        saveResult(rebuildId, result);
        write(dir(rebuildId).resolve(BY_CANCEL), result);
    }

    boolean decidedByCancel(String rebuildId) {
        return Files.isRegularFile(dir(rebuildId).resolve(BY_CANCEL));
    }

    /** Records a cancellation, merged with an earlier one of the same rebuild (its keys; empty: all). */
    void cancel(RebuildCancelled c) {
        Optional<RebuildCancelled> before = cancelled(c.getRebuildId());
        if (before.isPresent() && !c.getIndexKeys().isEmpty()) {
            java.util.Set<String> keys = new java.util.TreeSet<>(c.getIndexKeys());
            if (before.get().getIndexKeys().isEmpty()) keys.clear();
            else keys.addAll(before.get().getIndexKeys());
            c.setIndexKeys(List.copyOf(keys));
        }
        write(dir(c.getRebuildId()).resolve(CANCELLED), c);
    }

    Optional<RebuildCancelled> cancelled(String rebuildId) {
        Path f = dir(rebuildId).resolve(CANCELLED);
        return Files.isRegularFile(f) ? Optional.of((RebuildCancelled) read(f)) : Optional.empty();
    }

    private Path dir(String rebuildId) {
        return layout.staging(rebuildId).resolve("outcomes");
    }

    private void write(Path file, SpecificRecord event) {
        try {
            byte[] bytes = serde.encode(event);
            DurableFiles.replace(file, tmp -> Files.write(tmp, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record " + file, e);
        }
    }

    private SpecificRecord read(Path file) {
        try {
            return serde.decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (UndecodableEventException e) {
            throw new IllegalStateException("ledger file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }
}
