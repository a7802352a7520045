package dev.faissrebuild.cli;

import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.builder.IndexRecipe;
import dev.faissrebuild.faiss.FaissRuntime;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.faiss.SearchLatency;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The IVF-PQ trade-off table of the README: for each code size the recipe can choose (and one with
 * exact re-ranking), recall against exact search, single-query p99 and bytes per vector across nprobe.
 */
@Command(name = "tradeoff", mixinStandardHelpOptions = true,
        description = "Measures IVF-PQ settings on an embeddings file: recall@10, 1-recall@1, p99 latency and bytes per vector by nprobe.")
final class TradeoffCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--embeddings", required = true) Path embeddings;
    @Option(names = "--queries", defaultValue = "1000", description = "Queries sampled from the file (default ${DEFAULT-VALUE}).") int queries;
    @Option(names = "--factories", split = ";", description = "Factory strings to measure (default: the recipe's candidates, then d/4 with RFlat).")
    List<String> factories;
    @Option(names = "--max-nprobe", defaultValue = "256") int maxNprobe;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (NpyMatrix x = NpyMatrix.open(embeddings);
             RecallMeter meter = new RecallMeter(x, RowSample.distinct(x.rows(), (int) Math.min(queries, x.rows()), 4242), 10,
                     Metric.INNER_PRODUCT, FaissRuntime.defaultThreads())) {
            out.printf("%s: %d x %d, %d queries, k=10, p99 of single queries on 1 thread%n%n", embeddings, x.rows(), x.dim(), queries);
            out.println("| factory | nprobe | recall@10 | 1-recall@1 | p99 ms | bytes/vector | build s |");
            out.println("|---|---|---|---|---|---|---|");
            for (String factory : factories(x)) measure(factory, x, meter, out);
        }
        return 0;
    }

    private List<String> factories(NpyMatrix x) {
        if (factories != null && !factories.isEmpty()) return factories;
        List<String> f = new ArrayList<>();
        IndexRecipe.ivfpqCandidates(x.rows(), x.dim(), Integer.MAX_VALUE).forEach(p -> f.add(p.factory()));
        f.add(f.getFirst() + ",RFlat");
        return f;
    }

    private void measure(String factory, NpyMatrix x, RecallMeter meter, PrintWriter out) throws Exception {
        long t0 = System.nanoTime();
        Path file = Files.createTempFile("tradeoff", ".faiss");
        try (Index index = Index.create(x.dim(), factory, Metric.INNER_PRODUCT)) {
            IndexBuilder.train(index, x, Math.min(x.rows(), 256L * Math.max(1, index.info().nlist()))); // the builder's seeded sample
            IndexBuilder.addAll(index, x);
            double build = (System.nanoTime() - t0) / 1e9;
            index.write(file);
            double bytesPerVector = Files.size(file) / (double) x.rows();
            if (factory.endsWith("RFlat")) index.setParameter("k_factor", 4);
            for (int nprobe = 1; nprobe <= Math.min(maxNprobe, index.info().nlist()); nprobe *= 2) {
                index.setNprobe(nprobe);
                RecallMeter.Recall r = meter.measure(index, false);
                int threads = index.threads();
                index.threads(1);
                double p99 = SearchLatency.percentile(SearchLatency.singleQueries(index, meter.queries(), x.dim(),
                        Math.min(300, meter.queryIds().length), 10, 20), 99);
                index.threads(threads);
                out.printf("| %s | %d | %.4f | %.4f | %.3f | %.0f | %.1f |%n", factory + (factory.endsWith("RFlat") ? " (k_factor 4)" : ""),
                        nprobe, r.atK(), r.oneAt1(), p99, bytesPerVector, build);
                out.flush();
                if (r.atK() > 0.999) break;
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
