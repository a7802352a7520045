package dev.faissrebuild.cli;

import dev.faissrebuild.builder.IndexBuilder;
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
        // The workers are long-running: time the steady state. One small build first links the FFM
        // downcalls and JIT-compiles the Java side (reported as warmup_s), as Python imports faiss first.
        long w0 = System.nanoTime();
        try (NpyMatrix x = NpyMatrix.open(embeddings); Index warm = Index.create(x.dim(), "Flat", Metric.INNER_PRODUCT)) {
            warm.threads(threads);
            warm.reserve(1);
            warm.add(x.rows(0, Math.min(1000, x.rows())), Math.min(1000, x.rows()));
            x.requireFinite(0, 1);
            warm.write(out);
        }
        double warmup = (System.nanoTime() - w0) / 1e9;
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        long ntotal;
        try (NpyMatrix x = NpyMatrix.open(embeddings); Index index = Index.create(x.dim(), factory, Metric.INNER_PRODUCT)) {
            index.threads(threads);
            if (!index.isTrained()) index.train(x.segment(), x.rows());
            IndexBuilder.addAll(index, x); // the builder's own path: checked, chunked
            index.write(out);
            ntotal = index.ntotal();
        }
        double build = (System.nanoTime() - t0) / 1e9;
        double buildCpu = (cpuNanos() - c0) / 1e9;
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
        m.put("warmup_s", warmup);
        m.put("build_s", build);
        m.put("build_cpu_s", buildCpu);
        m.put("search_s", search);
        m.put("peak_rss_bytes", ProcessMemory.peakRssBytes());
        m.put("ntotal", ntotal);
        spec.commandLine().getOut().println(BuildIndexCommand.JSON.writeValueAsString(m).replace("\n", "").replaceAll(" +", " "));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** CPU time of the whole process (FAISS's native time included): less disturbed by a noisy machine than wall time. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
