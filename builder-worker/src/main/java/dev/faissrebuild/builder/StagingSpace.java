package dev.faissrebuild.builder;

import dev.faissrebuild.runtime.files.DiskErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Before a build trains anything: can its staging directory take the index file? A full or read-only
 * disk then fails the build in a second, saying so, instead of after the whole training.
 */
final class StagingSpace {
    /** Room left beside the file for the directory's own writes (the ledger, the temporary name). */
    static final long MARGIN = 16L << 20;

    private StagingSpace() {}

    /** The largest file any of {@code plans} writes for {@code n} x {@code d}. */
    static long fileBytes(List<IndexPlan> plans, long n, int d) {
        return plans.stream().mapToLong(p -> fileBytes(p, n, d)).max().orElse(0);
    }

    /**
     * Bytes of the index file a plan writes: flat N·d·4; IVF-PQ N·(m + 8) (each entry's code and id),
     * nlist·d·4 for the coarse centroids and 256·d·4 for the PQ codebooks; an operator's own factory
     * N·d·4, an upper bound for the compressed types this project builds.
     */
    static long fileBytes(IndexPlan p, long n, int d) {
        if (p.pqM() > 0) return n * (p.pqM() + 8L) + (long) p.nlist() * d * 4 + 256L * d * 4;
        return n * d * 4L;
    }

    /** @return null when the output fits, else the sentence that fails the build */
    static String problem(Path output, long bytes) {
        Path dir = output.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".space-probe-", ".tmp"); // proves the directory is writable
            Files.delete(probe);
            long free = DiskErrors.usable(dir);
            if (free < bytes + MARGIN) {
                return String.format("no space for the index: it needs about %.1f MiB plus %d MiB of room, the device holding %s has %s",
                        bytes / 1048576.0, MARGIN >> 20, dir, DiskErrors.free(dir));
            }
            return null;
        } catch (IOException e) {
            return DiskErrors.describe(e, dir);
        }
    }
}
