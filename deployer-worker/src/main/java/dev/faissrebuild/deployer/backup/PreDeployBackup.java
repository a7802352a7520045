package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Instant;
import java.util.Optional;

/** {@code deploy.backup_before_deploy}: a restore point of the live generation, taken under the deploy's lock. */
public final class PreDeployBackup {
    private final BackupStore store;

    public PreDeployBackup(BackupStore store) {
        this.store = store;
    }

    /** How the backup before a deploy went. */
    public sealed interface Outcome {
        /** Nothing is live (the first deploy): nothing to back up. */
        record NothingLive() implements Outcome {}

        record Taken(BackupId id, boolean reused) implements Outcome {}

        record Failed(String reason) implements Outcome {}
    }

    public Outcome take(IndicesLock held, Optional<String> liveGenerationId, Instant now) {
        if (liveGenerationId.isEmpty()) return new Outcome.NothingLive();
        try {
            BackupStore.Created c = store.ensure(held, liveGenerationId.get(), now);
            return new Outcome.Taken(c.backup().id(), c.reused());
        } catch (IOException | RuntimeException e) {
            // java.nio's exceptions say only the path; their kind is half the message
            String what = e instanceof FileSystemException ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage();
            return new Outcome.Failed("backup of live generation " + liveGenerationId.get() + " failed: " + what);
        }
    }
}
