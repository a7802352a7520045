package dev.faissrebuild.deployer.testing;

import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second process for lock tests: takes the indices lock as a deploy would, says so, holds it, and
 * reports what {@code current} pointed to when it took and when it released the lock (equal: nobody
 * changed the live set in between).
 *
 * <p>Arguments: indices root, holder name, seconds to hold. Prints {@code LOCKED <live>}, then
 * {@code RELEASING <live> <epoch ms>}.
 */
public final class LockHolder {
    public static void main(String[] args) throws Exception {
        IndicesLayout layout = new IndicesLayout(Path.of(args[0]));
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), args[1], Duration.ofSeconds(30))) {
            System.out.println("LOCKED " + layout.liveGenerationId().orElse("none"));
            System.out.flush();
            Thread.sleep(Duration.ofMillis((long) (Double.parseDouble(args[2]) * 1000)));
            System.out.println("RELEASING " + layout.liveGenerationId().orElse("none") + " " + System.currentTimeMillis());
            System.out.flush();
        }
    }
}
