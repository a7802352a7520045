package dev.faissrebuild.deployer;

import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switching {@code current} back to an earlier generation: the live manifest's
 * {@code previous_generation_id}, or a named one. The same {@link GenerationSwitch} as a deploy, under
 * the same lock; a deploy whose verification fails uses {@link #switchBack} too.
 *
 * <p>Crash points: {@code rollback.before_switch} (target checked, nothing changed),
 * {@code rollback.after_switch} ({@code current} switched, nothing reported yet).
 */
public final class Rollback {
    private static final Logger LOG = LoggerFactory.getLogger(Rollback.class);
    private final IndicesLayout layout;
    private final GenerationStore generations;
    private final GenerationSwitch generationSwitch;

    public Rollback(IndicesLayout layout) {
        this.layout = layout;
        this.generations = new GenerationStore(layout);
        this.generationSwitch = new GenerationSwitch(layout);
    }

    /** What a rollback would do now. */
    public record Plan(String from, String to, GenerationManifest target) {}

    /**
     * The rollback that {@code to} (empty: the live generation's predecessor) means now; refused when
     * there is nothing live, no such generation, or the target is incomplete.
     */
    public Plan plan(Optional<String> to) {
        String from = layout.liveGenerationId().orElseThrow(() -> new OperationRefused(
                "there is no live generation (" + layout.current() + " does not exist): nothing to roll back; restore a backup instead"));
        String target = to.orElseGet(() -> layout.liveManifest().map(GenerationManifest::previousGenerationId).orElseThrow(() ->
                new OperationRefused("the live generation " + from + " has no previous generation on record; name one with --to (" + known() + ")")));
        if (target.equals(from)) throw new OperationRefused("generation " + target + " is already live; nothing to do");
        GenerationManifest manifest = generations.manifest(target).orElseThrow(() -> new OperationRefused(
                "generation " + target + " does not exist (or has no manifest) in " + layout.generations() + "; known: " + known()));
        for (GenerationManifest.Entry e : manifest.files()) {
            Path f = layout.generation(target).resolve(e.fileName());
            try {
                if (!Files.isRegularFile(f) || Files.size(f) != e.sizeBytes()) {
                    throw new OperationRefused("generation " + target + " is incomplete: " + e.fileName() + " is missing or not "
                            + e.sizeBytes() + " bytes; not switching to it");
                }
            } catch (IOException ex) {
                throw new OperationRefused("generation " + target + ": cannot read " + f + ": " + ex.getMessage());
            }
        }
        return new Plan(from, target, manifest);
    }

    /** A manual rollback: re-plans under the lock and switches. */
    public RolledBack run(IndicesLock held, Optional<String> to, LiveExpectation expected, String reason) throws IOException {
        Objects.requireNonNull(held, "the indices lock must be held");
        expected.check(layout);
        Plan p = plan(to);
        CrashPoints.hit("rollback.before_switch");
        return switchBack(held, p.from(), p.to(), keys(p.target()), reason, false, null);
    }

    /** The swap itself and the event that reports it. */
    RolledBack switchBack(IndicesLock held, String from, String to, List<IndexKey> keys, String reason, boolean automatic,
                          String rebuildId) throws IOException {
        Objects.requireNonNull(held, "the indices lock must be held");
        long t0 = System.nanoTime();
        generationSwitch.switchTo(to, keys);
        CrashPoints.hit("rollback.after_switch");
        LOG.warn("event=rolled_back from={} to={} automatic={} rebuild={} swap_ms={} reason=\"{}\"", from, to, automatic,
                rebuildId == null ? "none" : rebuildId, String.format("%.3f", (System.nanoTime() - t0) / 1e6), reason);
        return event(from, to, reason, automatic, rebuildId);
    }

    /** A RolledBack event ({@code from} "none" when nothing was live, as after a restore onto an empty directory). */
    public static RolledBack event(String from, String to, String reason, boolean automatic, String rebuildId) {
        return RolledBack.newBuilder().setRollbackId("rb-" + UUID.randomUUID()).setRebuildId(rebuildId)
                .setFromGenerationId(from == null ? "none" : from).setToGenerationId(to).setReason(reason)
                .setAutomatic(automatic).setRolledBackAt(Instant.now()).build();
    }

    /** The index keys a generation holds: the stable per-file links a switch to it maintains. */
    public static List<IndexKey> keys(GenerationManifest m) {
        return m.files().stream().map(e -> IndexKey.parse(e.indexKey())).toList();
    }

    private String known() {
        try {
            List<String> ids = generations.list().stream().map(GenerationManifest::generationId).toList();
            return ids.isEmpty() ? "no generations" : "generations " + String.join(", ", ids);
        } catch (IOException e) {
            return "generations unreadable: " + e.getMessage();
        }
    }
}
