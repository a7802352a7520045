package dev.faissrebuild.validator;

import dev.faissrebuild.runtime.child.MemoryFence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a validation holds in memory, estimated before it starts, as a build's is (autofaiss estimates
 * before every build): the candidate read whole; for IVF-PQ the held-out copy of it ({@link
 * dev.faissrebuild.faiss.HeldOutRecall#probe}), one at a time; the live index when it is read beside it
 * (at most {@link IndexValidator#LIVE_IN_MEMORY_LIMIT}); and the query sample, ground truth and search
 * buffers ({@link #WORKING_BYTES}). The mapped embeddings are address space, not an allocation: the
 * allowance adds them.
 */
public final class ValidationMemory {
    /** Queries, exact ground truth, FAISS's 4096 x 1024 distance blocks and result buffers: measured under 40 MiB at 2M x 256. */
    static final long WORKING_BYTES = 64L << 20;

    private ValidationMemory() {}

    public static long estimate(Candidate c) {
        long candidate = size(c.indexFile());
        long copies = c.type().isExact() ? 1 : 2;
        long live = c.baseline() == null || !Files.isRegularFile(c.baseline().file()) ? 0 : size(c.baseline().file());
        return copies * candidate + (live > IndexValidator.LIVE_IN_MEMORY_LIMIT ? 0 : live) + WORKING_BYTES;
    }

    /**
     * The validation child's hard memory limit beyond its JVM: twice the estimate (a planning figure, not
     * a promise), the mapped embeddings and a stack per FAISS thread, the same rule as a build's: a
     * validation far past its estimate is a runaway and ends alone, as a rejection saying how it died.
     */
    public static long allowance(Candidate c, int threads) {
        return 2 * estimate(c) + size(c.embeddings()) + (long) threads * MemoryFence.PER_THREAD_BYTES;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot size " + file, e);
        }
    }
}
