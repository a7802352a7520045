package dev.faissrebuild.deployer.backup;

import java.io.IOException;

/** A backup archive that cannot be trusted (tampered, truncated, not ours): it is refused and nothing changes. */
public final class InvalidBackupException extends IOException {
    public InvalidBackupException(String message) {
        super(message);
    }

    public InvalidBackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
