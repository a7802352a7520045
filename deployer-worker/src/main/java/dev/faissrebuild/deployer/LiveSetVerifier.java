package dev.faissrebuild.deployer;

import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.vectors.NpyMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * After a switch, reads the live set as a consumer would (through the fixed per-file paths) and
 * searches each index: the file opens, holds what the manifest says, and answers queries with ids in
 * range (an exact index finds each query vector first). Any problem means the deploy is rolled back.
 */
public final class LiveSetVerifier {
    private final IndicesLayout layout;
    private final Path embeddingsDir;
    private final int queries;

    public LiveSetVerifier(IndicesLayout layout, Path embeddingsDir, int queries) {
        this.layout = layout;
        this.embeddingsDir = embeddingsDir;
        this.queries = queries;
    }

    /** The problems found; empty when the live set is sound. */
    public List<String> verify(GenerationManifest manifest) {
        return verify(manifest, false);
    }

    /** The same, and with {@code checksums} every file's sha256 against the manifest (reads every byte). */
    public List<String> verify(GenerationManifest manifest, boolean checksums) {
        List<String> problems = new ArrayList<>();
        for (GenerationManifest.Entry e : manifest.files()) {
            IndexKey key = IndexKey.parse(e.indexKey());
            Path file = layout.liveFile(key);
            if (!Files.isRegularFile(file)) {
                problems.add(key + ": " + file + " is missing or a dangling link");
                continue;
            }
            if (checksums) {
                String sha = Sha256.of(file);
                if (!sha.equals(e.sha256())) problems.add(key + ": sha256 " + sha + " differs from the manifest's " + e.sha256());
            }
            try (Index index = Index.read(file)) {
                if (index.ntotal() != e.ntotal() || index.dimension() != e.dimension()) {
                    problems.add(key + ": holds " + index.ntotal() + " x " + index.dimension() + ", manifest says " + e.ntotal() + " x " + e.dimension());
                    continue;
                }
                String problem = searchProblem(key, index, e);
                if (problem != null) problems.add(key + ": " + problem);
            } catch (FaissException ex) {
                problems.add(key + ": cannot be read through " + file + ": " + ex.faissMessage());
            }
        }
        return problems;
    }

    /** Query vectors: rows of the index's own embeddings when they match it, else seeded random vectors. */
    private record Queries(float[] vectors, long[] rows) {}

    private String searchProblem(IndexKey key, Index index, GenerationManifest.Entry e) {
        int n = (int) Math.min(queries, index.ntotal());
        Queries q = sourceRows(e, index, n);
        SearchResult res = index.search(q.vectors(), (int) Math.min(10, index.ntotal()));
        for (int i = 0; i < n; i++) {
            long first = res.id(i, 0);
            if (first < 0 || first >= index.ntotal()) return "query " + i + " returned id " + first;
            final long row = q.rows() == null ? -1 : q.rows()[i];
            if (row >= 0 && key.type().isExact() && Arrays.stream(res.idsOf(i)).noneMatch(id -> id == row)) {
                return "exact search for row " + row + " did not return that row";
            }
        }
        return null;
    }

    private Queries sourceRows(GenerationManifest.Entry e, Index index, int n) {
        float[] q = new float[n * index.dimension()];
        Path source = e.embeddingsPath() == null ? null : embeddingsDir.resolve(e.embeddingsPath());
        if (source != null && Files.isRegularFile(source)) {
            try (NpyMatrix m = NpyMatrix.open(source)) {
                if (m.dim() == index.dimension() && m.rows() == index.ntotal()) {
                    long[] rows = new long[n];
                    for (int i = 0; i < n; i++) {
                        rows[i] = i * (m.rows() / n);
                        System.arraycopy(m.row(rows[i]), 0, q, i * index.dimension(), index.dimension());
                    }
                    return new Queries(q, rows);
                }
            }
        }
        Random r = new Random(7);
        for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
        return new Queries(q, null);
    }
}
