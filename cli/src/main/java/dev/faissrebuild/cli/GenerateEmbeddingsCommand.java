package dev.faissrebuild.cli;

import dev.faissrebuild.model.Horizon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate-embeddings", mixinStandardHelpOptions = true,
        description = "Writes demo embeddings that behave like embeddings of weather states (smooth in time, "
                + "seasonal and daily cycles, L2-normalised) as embeddings_{h}h.npy.")
final class GenerateEmbeddingsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "Directory to write embeddings_{h}h.npy into.")
    Path out;

    @Option(names = "--horizons", defaultValue = "6,12,24,48", description = "Horizons, e.g. 6,24 (default: ${DEFAULT-VALUE}).")
    String horizons;

    @Option(names = "--count", description = "Vectors per horizon (default: as in production, 6574 for 6h and 12h, 13148 for 24h and 48h).")
    Long count;

    @Option(names = "--dim", defaultValue = "256", description = "Dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--seed", defaultValue = "20241105", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        List<Horizon> list = Horizon.parseList(horizons);
        for (Horizon h : list) {
            long n = count != null ? count : DemoEmbeddings.productionCount(h);
            Path file = DemoEmbeddings.write(out, h, n, dim, seed);
            spec.commandLine().getOut().printf("wrote %s (%d x %d float32)%n", file, n, dim);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
