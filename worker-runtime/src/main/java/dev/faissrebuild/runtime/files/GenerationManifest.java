package dev.faissrebuild.runtime.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code MANIFEST.json} of a generation: what it holds and how each file was made and judged.
 * Written once, before the generation is published, and never changed.
 */
public record GenerationManifest(int formatVersion, String generationId, Instant createdAt, String rebuildId, String trigger,
                                 String previousGenerationId, List<Entry> files) {
    public static final String FILE_NAME = "MANIFEST.json";
    private static final ObjectMapper JSON = ManifestJson.MAPPER;

    /**
     * One index file of the generation.
     *
     * @param rebuilt false when the file was carried over (hard-linked) from the previous generation
     * @param validationNote why the file is live without having passed every quality gate
     *     ({@code rebuild.require_validation_pass} or {@code validation.enabled} false); null when it passed them.
     *     Absent from manifests written before it existed, which readers take as null.
     */
    public record Entry(String indexKey, String fileName, String sha256, long sizeBytes, int dimension, long ntotal,
                        String factory, String metric, int nlist, int nprobe, Double recallAtK, Double oneRecallAt1,
                        Double latencyP99Ms, String embeddingsPath, String embeddingsSha256, String builtInRebuild,
                        boolean rebuilt, String validationNote, Build build) {

        /** Before build records existed (older manifests read the same way: null). */
        public Entry(String indexKey, String fileName, String sha256, long sizeBytes, int dimension, long ntotal, String factory,
                     String metric, int nlist, int nprobe, Double recallAtK, Double oneRecallAt1, Double latencyP99Ms,
                     String embeddingsPath, String embeddingsSha256, String builtInRebuild, boolean rebuilt, String validationNote) {
            this(indexKey, fileName, sha256, sizeBytes, dimension, ntotal, factory, metric, nlist, nprobe, recallAtK, oneRecallAt1,
                    latencyP99Ms, embeddingsPath, embeddingsSha256, builtInRebuild, rebuilt, validationNote, null);
        }

        /** A file that passed every gate. */
        public Entry(String indexKey, String fileName, String sha256, long sizeBytes, int dimension, long ntotal, String factory,
                     String metric, int nlist, int nprobe, Double recallAtK, Double oneRecallAt1, Double latencyP99Ms,
                     String embeddingsPath, String embeddingsSha256, String builtInRebuild, boolean rebuilt) {
            this(indexKey, fileName, sha256, sizeBytes, dimension, ntotal, factory, metric, nlist, nprobe, recallAtK, oneRecallAt1,
                    latencyP99Ms, embeddingsPath, embeddingsSha256, builtInRebuild, rebuilt, null);
        }
    }

    /**
     * How a file was built: {@code kind} full or incremental; {@code rowsSha256} the sha256 of its
     * embeddings' vector data (header left out), which the next rebuild compares with the head of a grown file.
     */
    public record Build(String kind, String rowsSha256) {}

    public Optional<Entry> entry(String indexKey) {
        return files.stream().filter(e -> e.indexKey().equals(indexKey)).findFirst();
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GenerationManifest read(Path file) {
        try {
            return JSON.readValue(Files.readAllBytes(file), GenerationManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + file + ": " + e.getMessage(), e);
        }
    }
}
