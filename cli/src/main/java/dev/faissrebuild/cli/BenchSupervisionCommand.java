package dev.faissrebuild.cli;

import dev.faissrebuild.builder.BuildStep;
import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.builder.run.BuildOutcome;
import dev.faissrebuild.builder.run.BuildRunner;
import dev.faissrebuild.builder.run.ChildProcessBuildRunner;
import dev.faissrebuild.builder.run.InProcessBuildRunner;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.child.Supervision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What supervision costs: the same build in this JVM and in a supervised child (time limit, memory
 * fence, progress reports, its own JVM start), alternated round by round so both see the same machine.
 */
@Command(name = "bench-supervision", hidden = true, description = "Benchmark: in-process against supervised child builds.")
final class BenchSupervisionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--embeddings", required = true) Path embeddings;
    @Option(names = "--factory", defaultValue = "IVF1024,PQ32np") String factory;
    @Option(names = "--nprobe", defaultValue = "16") int nprobe;
    @Option(names = "--threads", defaultValue = "1") int threads;
    @Option(names = "--rounds", defaultValue = "5") int rounds;
    @Option(names = "--out", required = true) Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        IndexBuilder.Request request = new IndexBuilder.Request(embeddings, IndexType.IVFPQ, factory, nprobe, out, threads);
        BuildRunner inProcess = new InProcessBuildRunner();
        BuildRunner child = ChildProcessBuildRunner.sameJvm();
        long file = Files.size(embeddings);
        time(inProcess, request, Supervision.unlimited()); // warm-up: links the FFM downcalls, JIT-compiles the Java side
        List<Double> in = new ArrayList<>();
        List<Double> ch = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            // the child under what the builder gives it: a time limit, the memory fence, progress reports
            Supervision supervised = new Supervision(Duration.ofHours(1), "bench").memoryLimit(BuildStep.allowance(2L * file, file, threads))
                    .onProgress(step -> { });
            boolean childFirst = r % 2 == 1;
            double a = childFirst ? time(child, request, supervised) : time(inProcess, request, Supervision.unlimited());
            double b = childFirst ? time(inProcess, request, Supervision.unlimited()) : time(child, request, supervised);
            in.add(childFirst ? b : a);
            ch.add(childFirst ? a : b);
            w.printf("round %d: in-process %.2f s, child %.2f s, ratio %.3f%n", r + 1, in.getLast(), ch.getLast(), ch.getLast() / in.getLast());
            w.flush();
        }
        double mi = median(in);
        double mc = median(ch);
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) ratios.add(ch.get(r) / in.get(r));
        double paired = median(ratios);
        w.printf("median of %d rounds: in-process %.2f s, supervised child %.2f s (ratio of medians %.3f); median of the rounds' "
                + "ratios %.3f (%+.1f %%)%n", rounds, mi, mc, mc / mi, paired, (paired - 1) * 100);
        return 0;
    }

    private static double time(BuildRunner runner, IndexBuilder.Request request, Supervision s) {
        long t0 = System.nanoTime();
        BuildOutcome o = runner.run(request, "bench", s);
        if (!(o instanceof BuildOutcome.Built)) throw new IllegalStateException("the benchmark build failed: " + o);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
