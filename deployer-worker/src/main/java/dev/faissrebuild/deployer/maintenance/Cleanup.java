package dev.faissrebuild.deployer.maintenance;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.RebuildLedger;
import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code maintenance cleanup}: frees what no longer serves. Staging directories of decided rebuilds (the
 * deployer recorded {@code outcomes/RESULT.event}) or abandoned ones (nothing written for longer than
 * the maximum rebuild time); generations beyond the N most recent, never the live one nor its
 * predecessor (a rollback needs it); and hidden leftovers of operations a crash interrupted. Runs under
 * the indices lock, so it never races a deploy, restore or rollback.
 *
 * <p>Crash point: {@code cleanup.generation_hidden} (a generation renamed aside, its files not yet deleted).
 */
public final class Cleanup {
    private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);
    private final IndicesLayout layout;
    private final GenerationStore generations;
    private final Duration maxRebuildTime;

    public Cleanup(IndicesLayout layout, Duration maxRebuildTime) {
        this.layout = layout;
        this.generations = new GenerationStore(layout);
        this.maxRebuildTime = maxRebuildTime;
    }

    public enum Kind { STAGING, GENERATION, LEFTOVER }

    /** @param bytesFreed what removing this item alone frees (files hard-linked elsewhere free nothing) */
    public record Removal(Kind kind, String name, Path path, String why, long bytesFreed) {}

    public record Kept(String generationId, String why) {}

    /** @param bytesFreed what removing all of {@code removed} frees, hard links counted once */
    public record Report(List<Removal> removed, List<Kept> keptGenerations, long bytesFreed, boolean dryRun) {}

    /** What a cleanup would remove now; changes nothing. */
    public Report plan(int keepRecent, Instant now) throws IOException {
        if (keepRecent < 0) throw new IllegalArgumentException("--keep-recent must be 0 or more, got " + keepRecent);
        List<Removal> removed = new ArrayList<>();
        leftovers(removed);
        staging(removed, now);
        List<Kept> kept = new ArrayList<>();
        generations(removed, kept, keepRecent);
        FileTally all = new FileTally();
        for (Removal r : removed) all.add(r.path());
        return new Report(List.copyOf(removed), List.copyOf(kept), all.bytesFreedIfRemoved(), true);
    }

    /** Plans under the held lock and removes. */
    public Report run(IndicesLock held, int keepRecent, Instant now) throws IOException {
        Objects.requireNonNull(held, "the indices lock must be held");
        Report plan = plan(keepRecent, now);
        for (Removal r : plan.removed()) {
            switch (r.kind()) {
                case GENERATION -> generations.delete(r.name());
                case STAGING -> GenerationStore.deleteAside(r.path());
                case LEFTOVER -> GenerationStore.deleteTree(r.path());
            }
            LOG.info("event=cleanup_removed kind={} name={} bytes_freed={} why=\"{}\"", r.kind().name().toLowerCase(), r.name(),
                    r.bytesFreed(), r.why());
        }
        LOG.info("event=cleanup_done removed={} bytes_freed={} kept_generations={}", plan.removed().size(), plan.bytesFreed(),
                plan.keptGenerations().stream().map(Kept::generationId).toList());
        return new Report(plan.removed(), plan.keptGenerations(), plan.bytesFreed(), false);
    }

    private void generations(List<Removal> removed, List<Kept> kept, int keepRecent) throws IOException {
        Optional<String> live = layout.liveGenerationId();
        Optional<String> previous = layout.liveManifest().map(GenerationManifest::previousGenerationId);
        List<GenerationManifest> all = generations.list(); // oldest first
        Set<String> recent = new HashSet<>();
        for (int i = Math.max(0, all.size() - keepRecent); i < all.size(); i++) recent.add(all.get(i).generationId());
        for (GenerationManifest g : all) {
            String id = g.generationId();
            if (live.equals(Optional.of(id))) kept.add(new Kept(id, "live"));
            else if (previous.equals(Optional.of(id))) kept.add(new Kept(id, "previous of the live generation (rollback target)"));
            else if (recent.contains(id)) kept.add(new Kept(id, "among the " + keepRecent + " most recent"));
            else removed.add(removal(Kind.GENERATION, id, layout.generation(id), "older than the " + keepRecent + " most recent generations"));
        }
    }

    private void staging(List<Removal> removed, Instant now) throws IOException {
        for (Path dir : children(layout.staging())) {
            String name = dir.getFileName().toString();
            if (name.startsWith(".") || !Files.isDirectory(dir)) continue;
            try {
                ConfinedPaths.requireSimpleName(name, "rebuild id");
            } catch (IllegalArgumentException e) {
                continue; // not a rebuild's directory: not ours to delete
            }
            if (Files.isRegularFile(RebuildLedger.resultFile(layout, name))) {
                removed.add(removal(Kind.STAGING, name, dir, "rebuild decided (outcomes/RESULT.event)"));
                continue;
            }
            Instant last = lastWrite(dir);
            if (last.isBefore(now.minus(maxRebuildTime))) {
                removed.add(removal(Kind.STAGING, name, dir, "abandoned: nothing written since " + last + ", longer than the maximum rebuild time ("
                        + maxRebuildTime.toMinutes() + " min)"));
            }
        }
    }

    /** Hidden entries a crash left: half-assembled or half-deleted generations, temporary archives, swap links. */
    private void leftovers(List<Removal> removed) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path p : children(layout.generations())) if (p.getFileName().toString().startsWith(".")) found.add(p);
        for (Path p : children(layout.staging())) if (p.getFileName().toString().startsWith(".")) found.add(p);
        found.addAll(BackupStore.incomplete(layout));
        for (Path p : children(layout.root())) if (p.getFileName().toString().matches("\\..*\\.swap-[0-9]+")) found.add(p);
        for (Path p : found) removed.add(removal(Kind.LEFTOVER, ConfinedPaths.relative(layout.root(), p), p, "left by an interrupted operation"));
    }

    private static Removal removal(Kind kind, String name, Path path, String why) throws IOException {
        return new Removal(kind, name, path, why, new FileTally().add(path).bytesFreedIfRemoved());
    }

    private static Instant lastWrite(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            Instant last = Instant.EPOCH;
            for (Path p : all.toList()) {
                Instant t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
                if (t.isAfter(last)) last = t;
            }
            return last;
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
