package dev.faissrebuild.reader;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.GenerationSwitch;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tiny generations, published the way the deployer publishes them: files staged by a "builder", then
 * {@link GenerationStore} (unchanged files hard-linked from the live generation, checksums, fsync) and
 * {@link GenerationSwitch} under the indices lock. A file built for generation {@code g} holds
 * {@code BASE_ROWS + g} vectors, so a reader can tell from {@code ntotal} which generation built it.
 */
final class TestGenerations {
    static final int DIM = 16;
    static final int BASE_ROWS = 500;
    static final int NLIST = 8;
    static final int NPROBE = 4;
    static final List<IndexKey> KEYS = IndexKey.all();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final IndicesLayout layout;
    private final GenerationStore store;
    private final GenerationSwitch generationSwitch;

    TestGenerations(Path root) {
        this.layout = new IndicesLayout(root);
        this.store = new GenerationStore(layout);
        this.generationSwitch = new GenerationSwitch(layout);
    }

    IndicesLayout layout() {
        return layout;
    }

    static String id(int g) {
        return GenerationStore.newId(T0.plusSeconds(g), "rebuild-" + g);
    }

    /** The builder's part: {@code keys} built for generation {@code g} into {@code staging/rebuild-g/}. */
    Map<IndexKey, Path> build(int g, Collection<IndexKey> keys) {
        Map<IndexKey, Path> staged = new HashMap<>();
        for (IndexKey key : keys) {
            Path file = layout.staging("rebuild-" + g).resolve(key.fileName());
            int rows = BASE_ROWS + g;
            float[] x = new float[rows * DIM];
            Random random = new Random(31L * g + key.hashCode());
            for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
            try (Index index = Index.create(DIM, factory(key), Metric.INNER_PRODUCT).threads(1)) {
                if (!key.type().isExact()) index.train(x);
                index.add(x);
                if (!key.type().isExact()) index.setNprobe(NPROBE); // stored in the file, for readers that ignore the manifest
                Files.createDirectories(file.getParent());
                index.write(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            staged.put(key, file);
        }
        return staged;
    }

    /**
     * The deployer's part: generation {@code g} written from {@code staged} plus the live generation's
     * other files (hard-linked), not yet live.
     */
    String write(int g, Map<IndexKey, Path> staged) throws IOException {
        String previous = layout.liveGenerationId().orElse(null);
        List<GenerationManifest.Entry> entries = new ArrayList<>();
        Map<String, Path> sources = new HashMap<>();
        for (IndexKey key : KEYS) {
            boolean rebuilt = staged.containsKey(key);
            Path source = rebuilt ? staged.get(key) : layout.generation(previous).resolve(key.fileName());
            long builtIn = rebuilt ? g : layout.liveManifest().orElseThrow().entry(key.toString()).orElseThrow().ntotal() - BASE_ROWS;
            entries.add(entry(key, source, builtIn, rebuilt));
            sources.put(key.fileName(), source);
        }
        var manifest = new GenerationManifest(1, id(g), Instant.now(), "rebuild-" + g, "MANUAL", previous, entries);
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: write generation " + g, Duration.ofSeconds(10))) {
            store.write(manifest, sources);
        }
        return manifest.generationId();
    }

    /** Makes {@code generationId} live as a deploy does; returns how long {@code switchTo} took, in ms. */
    double switchTo(String generationId) throws IOException {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: switch to " + generationId, Duration.ofSeconds(10))) {
            long t0 = System.nanoTime();
            generationSwitch.switchTo(generationId, KEYS);
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** Builds, writes and switches to generation {@code g}, every index rebuilt. */
    String deploy(int g) throws IOException {
        String id = write(g, build(g, KEYS));
        switchTo(id);
        return id;
    }

    private static GenerationManifest.Entry entry(IndexKey key, Path file, long builtIn, boolean rebuilt) throws IOException {
        boolean exact = key.type().isExact();
        return new GenerationManifest.Entry(key.toString(), key.fileName(), Sha256.of(file), Files.size(file), DIM, BASE_ROWS + builtIn,
                factory(key), "inner_product", exact ? 0 : NLIST, exact ? 0 : NPROBE, null, null, null, null, null,
                "rebuild-" + builtIn, rebuilt, null,
                new GenerationManifest.Build(builtIn == 0 ? "full" : "incremental", "0".repeat(64))); // as the deployer writes them now
    }

    private static String factory(IndexKey key) {
        return key.type().isExact() ? "Flat" : "IVF" + NLIST + ",Flat";
    }
}
