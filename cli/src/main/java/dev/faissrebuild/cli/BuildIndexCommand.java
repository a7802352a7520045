package dev.faissrebuild.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.faissrebuild.builder.BuilderService;
import dev.faissrebuild.builder.BuiltIndex;
import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.faiss.FaissRuntime;
import dev.faissrebuild.model.IndexType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "build-index", mixinStandardHelpOptions = true,
        description = {"Builds one index from a .npy embeddings file, offline (no Kafka), and writes it as a standard FAISS file,",
                "with the builder's own recipe and tuning (IVF-PQ: finer codes until nprobe reaches the validation target),",
                "so what it builds is what the pipeline would deploy. --factory and --nprobe pin either."})
final class BuildIndexCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--embeddings", required = true, description = "float32 .npy file, shape (N, d).")
    Path embeddings;

    @Option(names = "--type", required = true, description = "flatip or ivfpq.")
    String type;

    @Option(names = "--out", required = true, description = "Index file to write.")
    Path out;

    @Option(names = "--factory", description = "FAISS factory string instead of the recipe's, e.g. IVF1024,PQ16np.")
    String factory;

    @Option(names = "--nprobe", defaultValue = "0", description = "nprobe to store for IVF indices (default: tuned to the validation target, as the builder does).")
    int nprobe;

    @Option(names = "--threads", description = "OpenMP threads (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : FaissRuntime.defaultThreads();
        // the pipeline's target (validation.min_recall_threshold and friends): tuned unless nprobe is pinned
        BuiltIndex built = new IndexBuilder().build(new IndexBuilder.Request(embeddings, IndexType.parse(type), factory, nprobe, out, t,
                nprobe > 0 ? null : BuilderService.target(global.config())));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(JSON.writeValueAsString(describe(built)));
        } else {
            o.printf("built %s: %s, %d x %d, %s, %.1f MB in %.2f s (sha256 %s)%n", built.path(), built.factory(),
                    built.ntotal(), built.dimension(), built.metric().label(), built.sizeBytes() / 1e6,
                    built.buildSeconds(), built.sha256().substring(0, 12));
        }
        o.flush();
        return 0;
    }

    static Map<String, Object> describe(BuiltIndex b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", b.path().toString());
        m.put("factory", b.factory());
        m.put("metric", b.metric().label());
        m.put("d", b.dimension());
        m.put("ntotal", b.ntotal());
        m.put("nlist", b.nlist());
        m.put("nprobe", b.nprobe());
        m.put("training_rows", b.trainingRows());
        m.put("size_bytes", b.sizeBytes());
        m.put("build_seconds", b.buildSeconds());
        m.put("phase_seconds", b.phaseSeconds());
        m.put("peak_rss_bytes", b.peakRssBytes());
        m.put("sha256", b.sha256());
        return m;
    }
}
