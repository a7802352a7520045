package dev.faissrebuild.cli;

import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline once, in this process: starts the local system (embedded Kafka and the five",
                "services) on the data dir, generates demo embeddings if there are none, rebuilds every index through Kafka,",
                "prints what was deployed, and stops."})
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config().withEphemeralPorts();
        PrintWriter out = spec.commandLine().getOut();
        int generated = DemoEmbeddings.writeMissing(c.paths().embeddings(), 256, 20241105);
        out.printf("embeddings: %s (%d file(s) generated)%n", c.paths().embeddings(), generated);
        if (Connection.local(c).isPresent()) throw new UserError("a faiss-rebuild is already running for " + c.paths().data() + "; stop it first");
        try (LocalSystem system = LocalSystem.start(c)) {
            out.printf("local system up: kafka %s, health %s%n", system.endpoints().get("bootstrap_servers"), system.endpoints().get("health_url"));
            out.flush();
            var command = RebuildCliCommand.command(Horizon.parseList(null), IndexType.parseList(null), true, "demo");
            RebuildWatch.Result result = RebuildCliCommand.publishAndFollow(system.runtime().kafka(), command,
                    Duration.ofMinutes(c.rebuild().maxRebuildTimeMinutes()), out);
            summary(result, c, out);
            return result.deployed() ? 0 : 1;
        }
    }

    private static void summary(RebuildWatch.Result r, FaissRebuildConfig c, PrintWriter out) {
        out.println();
        if (!r.deployed()) {
            out.println("nothing was deployed; see the lines above for why");
            out.flush();
            return;
        }
        GenerationDeployed d = (GenerationDeployed) r.finals().getLast();
        Table t = new Table("index", "ntotal", "recall@10", "p99 ms", "size MB", "nprobe", "generation");
        for (DeployedFile f : d.getFiles()) {
            IndexValidated v = r.validated().get(f.getIndexKey());
            t.row(f.getIndexKey(), f.getNtotal(), v == null ? "-" : String.format("%.4f", v.getFigures().getRecallAtK()),
                    v == null ? "-" : String.format("%.3f", v.getFigures().getLatencyP99Ms()), String.format("%.2f", f.getSizeBytes() / 1e6),
                    f.getNprobe() > 0 ? f.getNprobe() : "-", d.getGenerationId());
        }
        t.print(out);
        out.printf("%nconsumers open %s/faiss_{6,12,24,48}h_{flatip,ivfpq}.faiss -> current -> generations/%s%n", c.paths().indices(), d.getGenerationId());
        out.flush();
    }
}
