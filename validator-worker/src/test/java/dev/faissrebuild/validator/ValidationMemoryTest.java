package dev.faissrebuild.validator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.child.MemoryFence;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A validation's memory estimate follows what it reads: the candidate, its held-out copy, the live index when read beside it. */
class ValidationMemoryTest {
    @TempDir Path dir;

    private Path sized(String name, long bytes) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes); // sparse: the size is what counts
        }
        return p;
    }

    @Test
    void theEstimateCountsTheCandidateItsHeldOutCopyAndASmallLiveIndexOnly() throws Exception {
        Path embeddings = sized("e.npy", 3L << 30);
        Path flat = sized("flat.faiss", 2L << 30);
        Path ivf = sized("ivf.faiss", 100L << 20);
        Path smallLive = sized("live-small.faiss", 90L << 20);
        Path largeLive = sized("live-large.faiss", 2L << 30);
        long w = ValidationMemory.WORKING_BYTES;
        assertThat(ValidationMemory.estimate(new Candidate("6h/flatip", IndexType.FLATIP, flat, null, embeddings))).isEqualTo((2L << 30) + w);
        assertThat(ValidationMemory.estimate(new Candidate("6h/ivfpq", IndexType.IVFPQ, ivf, null, embeddings,
                new Candidate.Baseline("g1", smallLive, 0.96, true)))).isEqualTo(2 * (100L << 20) + (90L << 20) + w);
        assertThat(ValidationMemory.estimate(new Candidate("6h/flatip", IndexType.FLATIP, flat, null, embeddings,
                new Candidate.Baseline("g1", largeLive, 1.0, true)))).as("a live index over 1 GiB is not read").isEqualTo((2L << 30) + w);
        assertThat(ValidationMemory.allowance(new Candidate("6h/flatip", IndexType.FLATIP, flat, null, embeddings), 2))
                .isEqualTo(2 * ((2L << 30) + w) + (3L << 30) + 2 * MemoryFence.PER_THREAD_BYTES);
    }
}
