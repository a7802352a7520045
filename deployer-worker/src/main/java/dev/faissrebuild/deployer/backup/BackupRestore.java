package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.GenerationSwitch;
import dev.faissrebuild.deployer.LiveExpectation;
import dev.faissrebuild.deployer.ManifestEntries;
import dev.faissrebuild.deployer.Rollback;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup as a new live generation. Nothing outside a hidden work directory is touched until
 * the archive is proven: every file unpacked and checked against its sha256, the generation manifest
 * consistent with the backup's, every index opened with FAISS and holding what the manifest says. Then
 * the files become a new generation by the same path a deploy takes ({@link GenerationStore#write}:
 * hidden directory, checksums again, fsync, rename) and {@code current} is switched atomically. It works
 * on an empty {@code indices/} too (no {@code current}, no generations). An encrypted archive is
 * authenticated whole before even the work directory is made (see {@link BackupArchive#extract}).
 *
 * <p>Crash points: {@code restore.after_verify} (archive unpacked and proven, nothing published),
 * {@code restore.after_generation} (new generation published, not live), {@code restore.after_switch}
 * (live, work directory not yet removed).
 */
public final class BackupRestore {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRestore.class);
    static final String TRIGGER = "RESTORE";
    private final IndicesLayout layout;
    private final BackupStore backups;
    private final GenerationStore generations;
    private final GenerationSwitch generationSwitch;

    public BackupRestore(BackupStore backups) {
        this.layout = backups.layout();
        this.backups = backups;
        this.generations = new GenerationStore(layout);
        this.generationSwitch = new GenerationSwitch(layout);
    }

    /**
     * A completed restore.
     *
     * @param previousLive the generation that was live before, if any (it stays, as the new one's predecessor)
     */
    public record Restored(BackupId backupId, String sourceGenerationId, String generationId, Optional<String> previousLive,
                           int files, long bytes, double seconds) {
        /** The event that tells readers the live set changed (RolledBack: an earlier set is live again). */
        public RolledBack event() {
            return Rollback.event(previousLive.orElse(null), generationId, "restored backup " + backupId + " (generation "
                    + sourceGenerationId + ")", false, null);
        }
    }

    public Restored restore(IndicesLock held, BackupId id, LiveExpectation expected, Instant now) throws IOException {
        Objects.requireNonNull(held, "the indices lock must be held");
        long t0 = System.nanoTime();
        expected.check(layout);
        backups.removeIncomplete(held);
        generations.removeIncomplete();
        // beside the generations, not the backups: hard links need one file system, and backups/ may be
        // a mount of another disk; the .tmp- name makes a crash's leftover something removeIncomplete clears
        Path work = layout.generations().resolve(".tmp-restore-" + id);
        try {
            BackupStore.Backup backup = backups.find(id);
            BackupManifest m = BackupArchive.extract(backup.archive(), work, backups.encryption());
            GenerationManifest source = consistentManifest(m, work);
            checkStructure(m.backupId(), source, work);
            CrashPoints.hit("restore.after_verify");
            Optional<String> previous = layout.liveGenerationId();
            String generationId = restoredId(now, id);
            GenerationManifest manifest = new GenerationManifest(source.formatVersion(), generationId, now, source.rebuildId(), TRIGGER,
                    previous.orElse(null), source.files().stream().map(ManifestEntries::carriedOver).toList());
            Map<String, Path> sources = new HashMap<>();
            for (GenerationManifest.Entry e : manifest.files()) sources.put(e.fileName(), work.resolve(e.fileName()));
            generations.write(manifest, sources);
            CrashPoints.hit("restore.after_generation");
            generationSwitch.switchTo(generationId, Rollback.keys(manifest));
            CrashPoints.hit("restore.after_switch");
            Restored r = new Restored(id, m.sourceGenerationId(), generationId, previous, manifest.files().size(),
                    m.totalSizeBytes(), (System.nanoTime() - t0) / 1e9);
            LOG.warn("event=backup_restored backup={} source_generation={} generation={} previous={} files={} bytes={} seconds={}", id,
                    r.sourceGenerationId(), generationId, previous.orElse("none"), r.files(), r.bytes(), String.format("%.3f", r.seconds()));
            return r;
        } catch (InvalidBackupException e) {
            LOG.error("event=restore_refused backup={} live={} problem=\"{}\"", id, layout.liveGenerationId().orElse("none"), e.getMessage());
            throw new InvalidBackupException(e.getMessage() + "; nothing was restored, the live set is unchanged", e);
        } finally {
            GenerationStore.deleteTree(work);
        }
    }

    /** {@code g20261124T193501Z-restored-b20261120T020000Z-a1b2c3}: new, so a generation stays immutable. */
    static String restoredId(Instant now, BackupId id) {
        String b = id.value().length() <= 64 ? id.value() : id.value().substring(0, 64);
        return "g" + GenerationStore.idTime(now) + "-restored-" + b;
    }

    /** The generation's own manifest from the archive, which must describe exactly the archive's index files. */
    private static GenerationManifest consistentManifest(BackupManifest m, Path work) throws InvalidBackupException {
        String where = "backup " + m.backupId();
        if (m.file(GenerationManifest.FILE_NAME).isEmpty()) throw new InvalidBackupException(where + " holds no " + GenerationManifest.FILE_NAME);
        GenerationManifest g;
        try {
            g = GenerationManifest.read(work.resolve(GenerationManifest.FILE_NAME));
        } catch (UncheckedIOException e) {
            throw new InvalidBackupException(where + ": " + e.getMessage());
        }
        if (g.files() == null || g.files().isEmpty()) throw new InvalidBackupException(where + ": its generation manifest lists no files");
        Set<String> indexFiles = m.files().stream().map(BackupManifest.FileEntry::name)
                .filter(n -> !n.equals(GenerationManifest.FILE_NAME)).collect(Collectors.toSet());
        Set<String> listed = g.files().stream().map(GenerationManifest.Entry::fileName).collect(Collectors.toSet());
        if (!indexFiles.equals(listed)) {
            throw new InvalidBackupException(where + ": the archive holds " + indexFiles + " but its generation manifest lists " + listed);
        }
        for (GenerationManifest.Entry e : g.files()) {
            String archived = m.file(e.fileName()).orElseThrow().sha256();
            if (!archived.equals(e.sha256())) {
                throw new InvalidBackupException(where + ": " + e.fileName() + " has sha256 " + archived + " but the generation manifest says " + e.sha256());
            }
        }
        return g;
    }

    /** Each index opens with FAISS and holds the vectors and dimension its manifest entry says. */
    private static void checkStructure(String backupId, GenerationManifest g, Path work) throws InvalidBackupException {
        List<String> problems = new ArrayList<>();
        for (GenerationManifest.Entry e : g.files()) {
            try (Index index = Index.read(work.resolve(e.fileName()))) {
                if (index.ntotal() != e.ntotal() || index.dimension() != e.dimension()) {
                    problems.add(e.fileName() + " holds " + index.ntotal() + " x " + index.dimension() + ", its manifest says "
                            + e.ntotal() + " x " + e.dimension());
                }
            } catch (FaissException ex) {
                problems.add(e.fileName() + " does not open with FAISS: " + ex.faissMessage());
            }
        }
        if (!problems.isEmpty()) throw new InvalidBackupException("backup " + backupId + ": " + String.join("; ", problems));
    }
}
