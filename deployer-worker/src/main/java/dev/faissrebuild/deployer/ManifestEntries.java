package dev.faissrebuild.deployer;

import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;

/** Conversions between what the events say about an index and its manifest entry. */
public final class ManifestEntries {
    private ManifestEntries() {}

    static GenerationManifest.Entry rebuilt(IndexKey key, IndexValidated v) {
        IndexBuilt b = v.getBuilt();
        return new GenerationManifest.Entry(key.toString(), key.fileName(), b.getSha256(), b.getSizeBytes(), b.getDimension(),
                b.getNtotal(), b.getFactory(), b.getMetric(), b.getNlist(), v.getNprobe(), v.getFigures().getRecallAtK(),
                v.getFigures().getOneRecallAt1(), v.getFigures().getLatencyP99Ms(), b.getEmbeddingsPath(), b.getEmbeddingsSha256(),
                b.getRebuildId(), true);
    }

    public static GenerationManifest.Entry carriedOver(GenerationManifest.Entry e) {
        return new GenerationManifest.Entry(e.indexKey(), e.fileName(), e.sha256(), e.sizeBytes(), e.dimension(), e.ntotal(),
                e.factory(), e.metric(), e.nlist(), e.nprobe(), e.recallAtK(), e.oneRecallAt1(), e.latencyP99Ms(),
                e.embeddingsPath(), e.embeddingsSha256(), e.builtInRebuild(), false);
    }

    static DeployedFile deployedFile(GenerationManifest.Entry e) {
        return DeployedFile.newBuilder().setIndexKey(e.indexKey()).setFileName(e.fileName()).setSha256(e.sha256())
                .setSizeBytes(e.sizeBytes()).setNtotal(e.ntotal()).setFactory(e.factory()).setNprobe(e.nprobe())
                .setRecallAtK(e.recallAtK()).setLatencyP99Ms(e.latencyP99Ms()).setRebuilt(e.rebuilt()).build();
    }
}
