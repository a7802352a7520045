package dev.faissrebuild.cli;

import dev.faissrebuild.builder.BuiltIndex;
import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.faiss.FaissRuntime;
import dev.faissrebuild.model.IndexKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generates demo embeddings if there are none, builds the 8 indices and shows them.")
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = ".", description = "Holds embeddings/ and indices/ (default: current directory).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path embeddings = dataDir.resolve("embeddings");
        int written = DemoEmbeddings.writeMissing(embeddings, 256, 20241105);
        out.printf("embeddings: %s (%d file(s) generated)%n", embeddings, written);
        String id = "offline-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
        Path staging = dataDir.resolve("indices").resolve("staging").resolve(id);
        Table table = new Table("index", "faiss type", "ntotal", "d", "nlist", "nprobe", "size MB", "build s");
        for (IndexKey key : IndexKey.all()) {
            BuiltIndex b = new IndexBuilder().build(new IndexBuilder.Request(embeddings.resolve(key.embeddingsFileName()),
                    key.type(), null, 0, staging.resolve(key.fileName()), FaissRuntime.defaultThreads()));
            Map<String, Object> info = InspectIndexCommand.describe(b.path());
            table.row(key, info.get("type"), info.get("ntotal"), info.get("d"), info.getOrDefault("nlist", "-"),
                    info.getOrDefault("nprobe", "-"), String.format("%.2f", b.sizeBytes() / 1e6), String.format("%.2f", b.buildSeconds()));
        }
        out.printf("indices: %s%n%n", staging);
        table.print(out);
        return 0;
    }
}
