package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --lock-wait SECONDS} of the commands that change {@code indices/}: how long to wait for the
 * indices lock when another operation (a deploy, a restore in another shell) holds it. Past that the
 * command refuses and names the holder.
 */
final class LockWaitOption {
    @Option(names = "--lock-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "Wait at most this long for another operation on indices/ (e.g. a deploy) to finish (default: ${DEFAULT-VALUE}).")
    int seconds;

    /** Takes the lock as {@code "cli: <what> (user <name>)"}, so whoever waits on us knows who we are. */
    IndicesLock acquire(IndicesLayout layout, String what) {
        if (seconds < 0) throw new UserError("--lock-wait must be 0 or more seconds, got " + seconds);
        return IndicesLock.acquire(layout.lockFile(), "cli: " + what + " (user " + System.getProperty("user.name", "?") + ")",
                Duration.ofSeconds(seconds));
    }
}
