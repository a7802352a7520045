package dev.faissrebuild.deployer.testing;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.GenerationSwitch;
import dev.faissrebuild.deployer.ManifestEntries;
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
import java.util.TreeMap;

/**
 * Real generations of tiny real FAISS indices (d = 8, 200 to 250 vectors), published the way a
 * deploy publishes them: rebuilt files written to {@code staging/<rebuild>/}, the others carried over
 * (hard-linked) from the live generation, {@link GenerationStore#write}, {@link GenerationSwitch}, under
 * the indices lock. No Kafka, no mocks.
 */
public final class TestGenerations {
    public static final int DIM = 8;
    public static final List<IndexKey> KEYS = IndexKey.all();

    private TestGenerations() {}

    /** Deploys a generation with every key rebuilt. */
    public static GenerationManifest deployAll(IndicesLayout layout, String rebuildId, Instant at, long seed) {
        return deploy(layout, rebuildId, at, KEYS, seed);
    }

    /**
     * Deploys a generation: {@code rebuilt} keys get new indices (content from {@code seed}), the others
     * are carried over from the live generation.
     */
    public static GenerationManifest deploy(IndicesLayout layout, String rebuildId, Instant at, Collection<IndexKey> rebuilt, long seed) {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: deploy " + rebuildId, Duration.ofSeconds(30))) {
            GenerationManifest live = layout.liveManifest().orElse(null);
            String id = GenerationStore.newId(at, rebuildId);
            List<GenerationManifest.Entry> entries = new ArrayList<>();
            Map<String, Path> sources = new HashMap<>();
            for (IndexKey key : KEYS) {
                if (rebuilt.contains(key) || live == null) {
                    Path staged = layout.staging(rebuildId).resolve(key.fileName());
                    int rows = 200 + (int) (seed % 50);
                    writeIndex(staged, key, rows, seed * 31 + key.hashCode());
                    entries.add(new GenerationManifest.Entry(key.toString(), key.fileName(), Sha256.of(staged), Files.size(staged), DIM, rows,
                            factory(key), "inner_product", key.type().isExact() ? 0 : 4, key.type().isExact() ? 0 : 2, 1.0, 1.0, 0.1,
                            key.embeddingsFileName(), "00".repeat(32), rebuildId, true));
                    sources.put(key.fileName(), staged);
                } else {
                    entries.add(ManifestEntries.carriedOver(live.entry(key.toString()).orElseThrow()));
                    sources.put(key.fileName(), layout.generation(live.generationId()).resolve(key.fileName()));
                }
            }
            GenerationManifest m = new GenerationManifest(1, id, at, rebuildId, "MANUAL", live == null ? null : live.generationId(), entries);
            new GenerationStore(layout).write(m, sources);
            new GenerationSwitch(layout).switchTo(id, KEYS);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real index: exact ("Flat") for exact types, "IVF4,Flat" for the others; vectors from {@code seed}. */
    public static Path writeIndex(Path file, IndexKey key, int rows, long seed) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        float[] v = vectors(rows, seed);
        try (Index index = Index.create(DIM, factory(key), Metric.INNER_PRODUCT)) {
            if (!index.isTrained()) index.train(v);
            index.add(v);
            index.write(file);
        }
        return file;
    }

    public static float[] vectors(int rows, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * DIM];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    static String factory(IndexKey key) {
        return key.type().isExact() ? "Flat" : "IVF4,Flat";
    }

    /** sha256 of every index file as consumers see it: through the fixed per-file paths. */
    public static Map<String, String> liveChecksums(IndicesLayout layout) {
        Map<String, String> sums = new TreeMap<>();
        for (IndexKey key : KEYS) {
            Path p = layout.liveFile(key);
            sums.put(key.fileName(), Files.exists(p) ? Sha256.of(p) : "missing");
        }
        return sums;
    }

    /** sha256 of every index file of a generation directory. */
    public static Map<String, String> checksums(Path generationDir) {
        Map<String, String> sums = new TreeMap<>();
        for (IndexKey key : KEYS) sums.put(key.fileName(), Sha256.of(generationDir.resolve(key.fileName())));
        return sums;
    }
}
