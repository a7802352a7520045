package dev.faissrebuild.deployer;

import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.ValidationFigures;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;

/** Conversions between what the events say about an index and its manifest entry. */
public final class ManifestEntries {
    /** What a file validated without its quality gates carries (validation.enabled = false). */
    static final String NOT_QUALITY_CHECKED = "not quality-checked: validation.enabled = false, so only the structure gate ran";

    private ManifestEntries() {}

    static GenerationManifest.Entry rebuilt(IndexKey key, IndexValidated v) {
        return entry(key, v.getBuilt(), v.getNprobe(), v.getFigures(), v.getQualityChecked() ? null : NOT_QUALITY_CHECKED);
    }

    /** A rejected file deployed anyway (rebuild.require_validation_pass = false), with the note saying so and why. */
    static GenerationManifest.Entry rejected(IndexKey key, IndexRejected r, String note) {
        return entry(key, r.getBuilt(), r.getBuilt().getNprobe(), r.getFigures(), note);
    }

    private static GenerationManifest.Entry entry(IndexKey key, IndexBuilt b, int nprobe, ValidationFigures f, String note) {
        return new GenerationManifest.Entry(key.toString(), key.fileName(), b.getSha256(), b.getSizeBytes(), b.getDimension(),
                b.getNtotal(), b.getFactory(), b.getMetric(), b.getNlist(), nprobe, f == null ? null : f.getRecallAtK(),
                f == null ? null : f.getOneRecallAt1(), f == null ? null : f.getLatencyP99Ms(), b.getEmbeddingsPath(),
                b.getEmbeddingsSha256(), b.getRebuildId(), true, note, new GenerationManifest.Build(b.getBuildKind(), b.getRowsSha256()));
    }

    public static GenerationManifest.Entry carriedOver(GenerationManifest.Entry e) {
        return new GenerationManifest.Entry(e.indexKey(), e.fileName(), e.sha256(), e.sizeBytes(), e.dimension(), e.ntotal(),
                e.factory(), e.metric(), e.nlist(), e.nprobe(), e.recallAtK(), e.oneRecallAt1(), e.latencyP99Ms(),
                e.embeddingsPath(), e.embeddingsSha256(), e.builtInRebuild(), false, e.validationNote(), e.build());
    }

    static DeployedFile deployedFile(GenerationManifest.Entry e) {
        return DeployedFile.newBuilder().setIndexKey(e.indexKey()).setFileName(e.fileName()).setSha256(e.sha256())
                .setSizeBytes(e.sizeBytes()).setNtotal(e.ntotal()).setFactory(e.factory()).setNprobe(e.nprobe())
                .setRecallAtK(e.recallAtK()).setLatencyP99Ms(e.latencyP99Ms()).setRebuilt(e.rebuilt())
                .setValidationNote(e.validationNote()).build();
    }
}
