package dev.faissrebuild.builder;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the live generation's manifest says about the index of a key: the settings that passed the gates
 * on the data it was built from, and the file itself. A rebuild of data of the same shape starts from
 * the settings; a rebuild of data that only grew by appending starts from the file.
 *
 * @param factory the live file's factory string, e.g. {@code IVF256,PQ128np}
 * @param ntotal the vectors it holds
 * @param file the live index file
 * @param rowsSha256 the sha256 of the vector data it was built from (null in manifests older than incremental builds)
 */
public record LiveSettings(String generationId, String factory, long ntotal, int dimension, Path file, String rowsSha256, int nprobe) {
    /**
     * The size change within which the live settings still speak for the data: the recall plateau of a
     * PQ code is set by the quantisation error per dimension (the data's distribution), not by N, and at
     * ±25 % the recipe's nlist (4·√N, a power of two) moves by at most one step.
     */
    static final double MAX_SIZE_CHANGE = 0.25;

    public LiveSettings(String generationId, String factory, long ntotal, int dimension) {
        this(generationId, factory, ntotal, dimension, null, null, 0);
    }

    public LiveSettings(String generationId, String factory, long ntotal, int dimension, Path file, String rowsSha256) {
        this(generationId, factory, ntotal, dimension, file, rowsSha256, 0);
    }

    public static Optional<LiveSettings> of(IndicesLayout layout, IndexKey key) {
        return layout.liveManifest().flatMap(m -> m.entry(key.toString()).map(e -> new LiveSettings(m.generationId(), e.factory(),
                e.ntotal(), e.dimension(), layout.generation(m.generationId()).resolve(e.fileName()),
                e.build() == null ? null : e.build().rowsSha256(), e.nprobe())));
    }

    /** Whether data of {@code n} x {@code d} has the shape these settings were proven on. */
    public boolean fits(long n, int d) {
        return d == dimension && ntotal > 0 && Math.abs((double) n / ntotal - 1) <= MAX_SIZE_CHANGE;
    }
}
