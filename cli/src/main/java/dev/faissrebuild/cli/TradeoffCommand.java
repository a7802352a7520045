package dev.faissrebuild.cli;

import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.builder.IndexRecipe;
import dev.faissrebuild.faiss.FaissRuntime;
import dev.faissrebuild.faiss.HeldOutRecall;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.faiss.SearchLatency;
import dev.faissrebuild.vectors.NpyMatrix;
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
 * Recall is the recall gate's: queries not in the index (the newest rows held out, {@link HeldOutRecall}).
 */
@Command(name = "tradeoff", mixinStandardHelpOptions = true,
        description = "Measures IVF-PQ settings on an embeddings file: recall@10, 1-recall@1, p99 latency and bytes per vector by nprobe.")
final class TradeoffCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--embeddings", required = true) Path embeddings;
    @Option(names = "--queries", defaultValue = "1000", description = "Queries drawn from the held-out newest rows of the file (default ${DEFAULT-VALUE}).")
    int queries;
    @Option(names = "--factories", split = ";", description = "Factory strings to measure (default: the recipe's candidates, then d/4 with RFlat).")
    List<String> factories;
    @Option(names = "--max-nprobe", defaultValue = "256") int maxNprobe;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (NpyMatrix x = NpyMatrix.open(embeddings);
             HeldOutRecall newest = HeldOutRecall.newest(x, queries, 4242, 10, Metric.INNER_PRODUCT, FaissRuntime.defaultThreads())) {
            out.printf("%s: %d x %d, %d queries from the newest %d rows (held out of the index), k=10, p99 of single queries on 1 thread%n%n",
                    embeddings, x.rows(), x.dim(), newest.split().queryRows().length, newest.split().heldOutRows());
            out.println("| factory | nprobe | recall@10 | 1-recall@1 | p99 ms | bytes/vector | build s |");
            out.println("|---|---|---|---|---|---|---|");
            for (String factory : factories(x)) measure(factory, x, newest, out);
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

    private void measure(String factory, NpyMatrix x, HeldOutRecall newest, PrintWriter out) throws Exception {
        long t0 = System.nanoTime();
        Path file = Files.createTempFile("tradeoff", ".faiss");
        try (Index built = Index.create(x.dim(), factory, Metric.INNER_PRODUCT)) {
            IndexBuilder.train(built, x, Math.min(x.rows(), 256L * Math.max(1, built.info().nlist()))); // the builder's seeded sample
            IndexBuilder.addAll(built, x);
            double build = (System.nanoTime() - t0) / 1e9;
            built.write(file);
            double bytesPerVector = Files.size(file) / (double) x.rows();
            measureProbe(factory, newest, built, build, bytesPerVector, out);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Recall and latency across nprobe on the index without its held-out rows, the recall gate's probe. */
    private void measureProbe(String factory, HeldOutRecall newest, Index built, double build, double bytesPerVector, PrintWriter out) {
        RecallMeter meter = newest.meter();
        try (Index index = newest.probe(built)) {
            if (factory.endsWith("RFlat")) index.setParameter("k_factor", 4);
            for (int nprobe = 1; nprobe <= Math.min(maxNprobe, index.info().nlist()); nprobe *= 2) {
                index.setNprobe(nprobe);
                RecallMeter.Recall r = meter.measure(index, false);
                int threads = index.threads();
                index.threads(1);
                double p99 = SearchLatency.percentile(SearchLatency.singleQueries(index, meter.queries(), index.dimension(),
                        Math.min(300, meter.queryIds().length), 10, 20), 99);
                index.threads(threads);
                out.printf("| %s | %d | %.4f | %.4f | %.3f | %.0f | %.1f |%n", factory + (factory.endsWith("RFlat") ? " (k_factor 4)" : ""),
                        nprobe, r.atK(), r.oneAt1(), p99, bytesPerVector, build);
                out.flush();
                if (r.atK() > 0.999) break;
            }
        }
    }
}
