package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.OperationRefused;
import dev.faissrebuild.runtime.config.BackupKey;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.DurableFiles;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backups under {@code indices/backups/}, shared by the deployer (a backup before each deploy) and
 * the CLI. Methods that change the directory take the held {@link IndicesLock}: backups, restores and
 * deploys never interleave, and leftovers of a crashed operation can be removed safely. Backups never
 * hard-link to generations, so {@code backups/} may be a mount of another disk.
 *
 * <p>Crash points: {@code backup.after_first_file} (archive half written under its temporary name),
 * {@code backup.after_files} (archive complete, not yet synced nor renamed), {@code backup.after_rename}
 * (published, retention not applied), {@code backup.after_retention}.
 */
public final class BackupStore {
    private static final Logger LOG = LoggerFactory.getLogger(BackupStore.class);
    private final IndicesLayout layout;
    private final GenerationStore generations;
    private final BackupRetention retention;
    private final BackupEncryption encryption;

    /** A store that writes plain archives and reads plain ones only. */
    public BackupStore(IndicesLayout layout, BackupRetention retention) {
        this(layout, retention, BackupEncryption.NONE);
    }

    /** @param key when present, new backups are encrypted with it and encrypted ones can be read */
    public BackupStore(IndicesLayout layout, BackupRetention retention, Optional<BackupKey> key) {
        this(layout, retention, BackupEncryption.of(key));
    }

    BackupStore(IndicesLayout layout, BackupRetention retention, BackupEncryption encryption) {
        this.layout = layout;
        this.generations = new GenerationStore(layout);
        this.retention = retention;
        this.encryption = encryption;
    }

    /**
     * The store a configuration describes: its retention and, if {@code backup.encryption_key_file} is
     * set, its key (read now; the loaded configuration has already proven it readable).
     */
    public static BackupStore configured(FaissRebuildConfig c) {
        return new BackupStore(new IndicesLayout(c.paths().indices()), BackupRetention.of(c.backup()), BackupKey.of(c));
    }

    /** What {@link #list} finds: a readable backup, or an archive whose head cannot be read. */
    public sealed interface Listing {
        BackupId id();

        Path archive();

        long archiveBytes();

        /** Whether the archive is encrypted ({@code .tar.gz.enc}). */
        default boolean encrypted() {
            return BackupId.encrypted(archive());
        }
    }

    /** A backup whose manifest was read (its files are proven only by a restore). */
    public record Backup(BackupId id, BackupManifest manifest, Path archive, long archiveBytes) implements Listing {}

    /** An archive that is not a readable backup; left alone for the operator to look at. */
    public record Unreadable(BackupId id, Path archive, long archiveBytes, String problem) implements Listing {}

    /** The result of a create: the backup, and what retention then deleted. */
    public record Created(Backup backup, boolean reused, List<Backup> deleted, double seconds) {}

    public IndicesLayout layout() {
        return layout;
    }

    BackupEncryption encryption() {
        return encryption;
    }

    /** Every archive in {@code indices/backups/}, oldest first (ids sort by time). */
    public List<Listing> list() throws IOException {
        if (!Files.isDirectory(layout.backups())) return List.of();
        List<Listing> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(layout.backups())) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!BackupId.isArchiveName(name) || !Files.isRegularFile(p)) continue;
                try {
                    found.add(read(BackupId.parse(name), p));
                } catch (IllegalArgumentException e) {
                    LOG.warn("event=backup_name_invalid file={} problem=\"{}\"", p, e.getMessage()); // not one of ours
                }
            }
        }
        return found;
    }

    public List<Backup> readable() throws IOException {
        return list().stream().filter(l -> l instanceof Backup).map(l -> (Backup) l).toList();
    }

    /** The backup named {@code id}, refused with a clear message when there is none or it is unreadable. */
    public Backup find(BackupId id) throws IOException {
        Path archive = id.archive(layout);
        if (!Files.isRegularFile(archive)) {
            throw new OperationRefused("there is no backup '" + id + "' (no " + archive + "); see 'faiss-rebuild backup list'");
        }
        return switch (read(id, archive)) {
            case Backup b -> b;
            case Unreadable u -> throw new InvalidBackupException(u.problem());
        };
    }

    /** The newest backup of a generation, if any. */
    public Optional<Backup> latestOf(String generationId) throws IOException {
        return readable().stream().filter(b -> b.manifest().sourceGenerationId().equals(generationId))
                .max(Comparator.comparing((Backup b) -> b.manifest().timestamp()).thenComparing(Backup::id));
    }

    /**
     * Backs up a published generation: its index files and {@code MANIFEST.json}, each checked against
     * the manifest while it is archived; written under a hidden temporary name, fsynced, renamed into
     * place; then retention is applied.
     */
    public Created create(IndicesLock held, String generationId, Instant now) throws IOException {
        Objects.requireNonNull(held, "the indices lock must be held");
        long t0 = System.nanoTime();
        removeIncomplete(held);
        GenerationManifest gm = generations.manifest(generationId).orElseThrow(() -> new OperationRefused(
                "there is no generation " + generationId + " to back up (no " + layout.generation(generationId).resolve(GenerationManifest.FILE_NAME) + ")"));
        Path dir = layout.generation(generationId);
        Map<String, Path> sources = new LinkedHashMap<>();
        List<BackupManifest.FileEntry> files = new ArrayList<>();
        Path own = dir.resolve(GenerationManifest.FILE_NAME);
        files.add(new BackupManifest.FileEntry(GenerationManifest.FILE_NAME, Files.size(own), Sha256.of(own)));
        sources.put(GenerationManifest.FILE_NAME, own);
        for (GenerationManifest.Entry e : gm.files()) {
            Path f = dir.resolve(e.fileName());
            if (!Files.isRegularFile(f)) throw new IOException("generation " + generationId + " is incomplete: " + f + " is missing; not backing it up");
            files.add(new BackupManifest.FileEntry(e.fileName(), Files.size(f), e.sha256())); // proven while archived
            sources.put(e.fileName(), f);
        }
        BackupId id = unusedId(BackupId.next(now, generationId));
        BackupManifest manifest = BackupManifest.of(id, now, generationId, files);
        Path archive = id.archive(layout, encryption.encrypts());
        Files.createDirectories(layout.backups());
        DurableFiles.replace(archive, tmp -> {
            BackupArchive.write(tmp, manifest, sources, encryption);
            CrashPoints.hit("backup.after_files");
        });
        CrashPoints.hit("backup.after_rename");
        Backup backup = new Backup(id, manifest, archive, Files.size(archive));
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("event=backup_created backup={} generation={} files={} bytes={} archive_bytes={} encrypted={} seconds={}", id, generationId,
                files.size(), manifest.totalSizeBytes(), backup.archiveBytes(), backup.encrypted(), String.format("%.3f", seconds));
        List<Backup> deleted = applyRetention(held, now);
        CrashPoints.hit("backup.after_retention");
        return new Created(backup, false, deleted, seconds);
    }

    /**
     * A backup of {@code generationId}: the newest existing one, else a new one. The deployer's backup
     * before a deploy: a generation never changes, so an archive already proven at its creation is as
     * good as a new one, and a deploy redone after a crash does not back up the same generation twice.
     */
    public Created ensure(IndicesLock held, String generationId, Instant now) throws IOException {
        Optional<Backup> existing = latestOf(generationId);
        if (existing.isPresent()) {
            LOG.info("event=backup_reused backup={} generation={}", existing.get().id(), generationId);
            return new Created(existing.get(), true, List.of(), 0);
        }
        return create(held, generationId, now);
    }

    /** Deletes what the retention policy no longer keeps; unreadable archives are left alone. */
    public List<Backup> applyRetention(IndicesLock held, Instant now) throws IOException {
        Objects.requireNonNull(held, "the indices lock must be held");
        List<Backup> doomed = retention.toDelete(readable(), now);
        for (Backup b : doomed) {
            Files.deleteIfExists(b.archive());
            LOG.info("event=backup_deleted backup={} generation={} created={} reason=retention max_count={} min_count={} expire_after_days={}",
                    b.id(), b.manifest().sourceGenerationId(), b.manifest().timestamp(), retention.maxCount(), retention.minCount(),
                    retention.expireAfter() == null ? 0 : retention.expireAfter().toDays());
        }
        if (!doomed.isEmpty()) DurableFiles.fsync(layout.backups());
        return doomed;
    }

    /** Hidden leftovers of a crashed backup (temporary archives). */
    public static List<Path> incomplete(IndicesLayout layout) throws IOException {
        if (!Files.isDirectory(layout.backups())) return List.of();
        try (Stream<Path> all = Files.list(layout.backups())) {
            return all.filter(p -> p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    public void removeIncomplete(IndicesLock held) throws IOException {
        Objects.requireNonNull(held, "the indices lock must be held");
        for (Path p : incomplete(layout)) GenerationStore.deleteTree(p);
    }

    private Listing read(BackupId id, Path archive) throws IOException {
        long size = Files.size(archive);
        try {
            BackupManifest m = BackupArchive.readManifest(archive, encryption);
            if (!m.backupId().equals(id.value())) {
                return new Unreadable(id, archive, size, "archive " + archive.getFileName() + " holds backup '" + m.backupId()
                        + "', not '" + id + "' (renamed?)");
            }
            return new Backup(id, m, archive, size);
        } catch (InvalidBackupException e) {
            return new Unreadable(id, archive, size, e.getMessage());
        }
    }

    /** An id is taken by an archive of either kind: one id names one backup. */
    private boolean taken(BackupId id) {
        return Files.exists(id.archive(layout, false), LinkOption.NOFOLLOW_LINKS) || Files.exists(id.archive(layout, true), LinkOption.NOFOLLOW_LINKS);
    }

    private BackupId unusedId(BackupId id) {
        BackupId candidate = id;
        for (int n = 2; taken(candidate); n++) candidate = new BackupId(id.value() + "-" + n);
        return candidate;
    }
}
