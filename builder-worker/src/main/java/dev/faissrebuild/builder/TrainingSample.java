package dev.faissrebuild.builder;

import dev.faissrebuild.faiss.IndexInfo;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FAISS's advice on k-means samples, said once per build step as a structured line (the shim silences
 * FAISS's own stderr warning, which it repeats for every PQ sub-quantizer). FAISS wants at least 39
 * training points per centroid: the coarse quantizer has nlist centroids, each PQ sub-quantizer 2^nbits (256).
 * A smaller sample still trains; whether recall suffers is what the recall gate measures.
 */
final class TrainingSample {
    static final int MIN_POINTS_PER_CENTROID = 39;
    private static final Logger LOG = LoggerFactory.getLogger(TrainingSample.class);

    private TrainingSample() {}

    static void reportSmall(IndexInfo info, long trained, Path embeddings, String factory) {
        if (trained <= 0) return;
        report("ivf_coarse", info.isIvf() ? info.nlist() : 0, trained, embeddings, factory);
        report("pq_codebooks", info.pqM() > 0 ? 1L << info.pqNbits() : 0, trained, embeddings, factory);
    }

    private static void report(String step, long centroids, long trained, Path embeddings, String factory) {
        long wanted = centroids * MIN_POINTS_PER_CENTROID;
        if (centroids == 0 || trained >= wanted) return;
        LOG.info("event=training_sample_small embeddings={} factory={} step={} points={} centroids={} faiss_suggests={}",
                embeddings, factory, step, trained, centroids, wanted);
    }
}
