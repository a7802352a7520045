package dev.faissrebuild.cli;

import dev.faissrebuild.faiss.FaissRuntime;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.faiss.SearchResult;
import dev.faissrebuild.runtime.ProcessMemory;
import dev.faissrebuild.vectors.NpyMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One repetition of the Java side of the benchmark (bench/compare.py runs it as a fresh process per
 * repetition, alternating with bench/faiss_python.py, which does exactly the same steps in Python).
 */
@Command(name = "bench-run", hidden = true, description = "Benchmark step: build, write, search; prints JSON.")
final class BenchRunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--embeddings", required = true) Path embeddings;
    @Option(names = "--factory", required = true) String factory;
    @Option(names = "--out", required = true) Path out;
    @Option(names = "--threads", defaultValue = "1") int threads;
    @Option(names = "--queries", defaultValue = "1000") int queries;
    @Option(names = "--k", defaultValue = "10") int k;
    @Option(names = "--nprobe", defaultValue = "16") int nprobe;

    @Override
    public Integer call() throws Exception {
        FaissRuntime.blas(); // load the library first, as the Python side imports faiss before its clock starts
        long t0 = System.nanoTime();
        long ntotal;
        try (NpyMatrix x = NpyMatrix.open(embeddings); Index index = Index.create(x.dim(), factory, Metric.INNER_PRODUCT)) {
            index.threads(threads);
            if (!index.isTrained()) index.train(x.segment(), x.rows());
            x.forEachChunk(65_536, (from, n, chunk) -> index.add(chunk, n)); // the builder's path: checked, chunked
            index.write(out);
            ntotal = index.ntotal();
        }
        double build = (System.nanoTime() - t0) / 1e9;
        double search;
        try (NpyMatrix x = NpyMatrix.open(embeddings); Index index = Index.read(out); Arena arena = Arena.ofConfined()) {
            index.threads(threads);
            if (index.info().isIvf()) index.setNprobe(nprobe);
            long step = x.rows() / queries;
            long[] rows = new long[queries];
            for (int i = 0; i < queries; i++) rows[i] = i * step;
            MemorySegment q = x.gather(rows, arena);
            index.search(q, Math.min(10, queries), k); // warm-up
            long s0 = System.nanoTime();
            SearchResult r = index.search(q, queries, k);
            search = (System.nanoTime() - s0) / 1e9;
            if (r.n() != queries) throw new IllegalStateException("search returned " + r.n() + " rows");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("impl", "java");
        m.put("build_s", build);
        m.put("search_s", search);
        m.put("peak_rss_bytes", ProcessMemory.peakRssBytes());
        m.put("ntotal", ntotal);
        spec.commandLine().getOut().println(BuildIndexCommand.JSON.writeValueAsString(m).replace("\n", "").replaceAll(" +", " "));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
