package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which backups to keep, as Elasticsearch's snapshot retention decides: at most {@code maxCount} (the
 * oldest beyond it go even when young), those older than {@code expireAfter} go, but at least
 * {@code minCount} stay even when expired, so a system that stopped deploying keeps its restore points.
 *
 * @param expireAfter null: backups never expire ({@code backup.expire_after_days = 0})
 */
public record BackupRetention(int maxCount, int minCount, Duration expireAfter) {

    public BackupRetention {
        if (minCount < 0 || maxCount < Math.max(1, minCount)) {
            throw new IllegalArgumentException("backup retention needs 0 <= min_count <= max_count and max_count >= 1, got min "
                    + minCount + ", max " + maxCount);
        }
    }

    public static BackupRetention of(FaissRebuildConfig.Backup b) {
        return new BackupRetention(b.maxCount(), b.minCount(), b.expireAfterDays() == 0 ? null : Duration.ofDays(b.expireAfterDays()));
    }

    /** The backups to delete at {@code now}, oldest first. */
    public List<BackupStore.Backup> toDelete(List<BackupStore.Backup> backups, Instant now) {
        List<BackupStore.Backup> keep = new ArrayList<>(backups);
        keep.sort(Comparator.comparing((BackupStore.Backup b) -> b.manifest().timestamp()).thenComparing(BackupStore.Backup::id).reversed());
        List<BackupStore.Backup> delete = new ArrayList<>();
        while (keep.size() > maxCount) delete.add(keep.removeLast());
        while (keep.size() > minCount && expired(keep.getLast(), now)) delete.add(keep.removeLast());
        return delete;
    }

    private boolean expired(BackupStore.Backup b, Instant now) {
        return expireAfter != null && b.manifest().timestamp().isBefore(now.minus(expireAfter));
    }
}
