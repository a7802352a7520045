package dev.faissrebuild.cli;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.validator.Candidate;
import dev.faissrebuild.validator.Gate;
import dev.faissrebuild.validator.IndexValidator;
import dev.faissrebuild.validator.ValidationOutcome;
import dev.faissrebuild.validator.ValidationSettings;
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

@Command(name = "validate-index", mixinStandardHelpOptions = true,
        description = {"Runs the quality gates on an index file, offline: structure, search sanity, latency, recall against",
                "exact search for queries not in the index (the newest rows of the embeddings held out of a copy of it, or --queries)",
                "(and regression against the live index of --key, if given).",
                "Exit 0 when every gate passes, 1 otherwise."})
final class ValidateIndexCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--index", required = true, description = "Index file.") Path index;
    @Option(names = "--embeddings", description = "The .npy the index was built from (default with --key: the data dir's file of that index).") Path embeddings;
    @Option(names = "--key", description = "Also run the regression gates against the live index of this key (e.g. 24h/ivfpq) in --data-dir.") String key;
    @Option(names = "--queries", description = "Query vectors (.npy) not in the index, against the whole index, instead of the held-out newest rows.") Path queries;
    @Option(names = "--type", description = "flatip or ivfpq (default: told by the file).") String type;
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        ValidationSettings settings = ValidationSettings.from(c.validation(), Runtime.getRuntime().availableProcessors(), c.paths().data());
        if (queries != null) settings = settings.withQueriesFile(queries);
        IndexKey k = key == null ? null : IndexKey.parse(key);
        Path source = embeddings != null ? embeddings : k != null ? c.paths().embeddings().resolve(k.embeddingsFileName()) : null;
        if (source == null) throw new UserError("give --embeddings (the .npy the index was built from), or --key to take the data dir's");
        IndexType t = k != null ? k.type() : type != null ? IndexType.parse(type) : typeOf(index);
        Candidate.Baseline live = k == null ? null : Candidate.Baseline.live(new IndicesLayout(c.paths().indices()), k, Sha256.of(source));
        if (k != null && live == null) spec.commandLine().getOut().println("no live index of " + k + " in " + c.paths().indices()
                + ": the regression gates are skipped");
        ValidationOutcome o = new IndexValidator(settings).validate(new Candidate(index.getFileName().toString(), t, index, null, source, live));
        print(o, json, spec.commandLine().getOut());
        return o instanceof ValidationOutcome.Validated ? 0 : 1;
    }

    static IndexType typeOf(Path file) {
        try (Index i = Index.read(file)) {
            return i.info().isIvf() ? IndexType.IVFPQ : IndexType.FLATIP;
        }
    }

    static void print(ValidationOutcome o, boolean json, PrintWriter out) throws Exception {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("validated", o instanceof ValidationOutcome.Validated);
            m.put("quality_checked", o instanceof ValidationOutcome.Validated v && v.qualityChecked());
            if (o instanceof ValidationOutcome.Rejected r) m.put("reason", r.reason());
            m.put("gates", o.gates());
            m.put("figures", o.figures());
            out.println(Json.MAPPER.writeValueAsString(m));
        } else {
            Table t = new Table("gate", "result", "figure", "threshold", "detail");
            for (Gate g : o.gates()) {
                t.row(g.name(), g.status().name().toLowerCase(), g.figure() == null ? "-" : String.format("%.4f", g.figure()),
                        g.threshold() == null ? "-" : String.format("%.4f", g.threshold()), g.detail());
            }
            t.print(out);
            out.println(switch (o) {
                case ValidationOutcome.Rejected r -> "REJECTED: " + r.reason();
                case ValidationOutcome.Validated v when !v.qualityChecked() -> "VALIDATED BY STRUCTURE ONLY: " + ValidationSettings.DISABLED
                        + ", so the index was not quality-checked";
                case ValidationOutcome.Validated v -> "VALIDATED: every gate passed";
            });
        }
        out.flush();
    }
}
