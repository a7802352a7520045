package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.LiveSetVerifier;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks the live generation, as the service's startup validation did: every file present and readable",
                "through its fixed path, sha256 equal to the manifest, dimension and size as recorded, a quick search each.",
                "Exit 0 when sound, 1 with the reasons otherwise."})
final class MaintenanceValidateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        List<String> problems = new ArrayList<>();
        String generation = layout.liveGenerationId().orElse(null);
        GenerationManifest manifest = null;
        if (generation == null) {
            problems.add("no live generation: " + layout.current() + " is missing");
        } else {
            try {
                manifest = layout.liveManifest().orElse(null);
                if (manifest == null) problems.add("generation " + generation + " has no readable " + GenerationManifest.FILE_NAME);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        if (manifest != null) {
            for (var key : c.rebuild().keys()) {
                if (manifest.entry(key.toString()).isEmpty()) problems.add(key + ": not in the manifest of " + generation);
            }
            problems.addAll(new LiveSetVerifier(layout, c.paths().embeddings(), c.deploy().verifyQueries()).verify(manifest, true));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generation", generation);
            m.put("valid", problems.isEmpty());
            m.put("files", manifest == null ? 0 : manifest.files().size());
            m.put("problems", problems);
            out.println(Json.MAPPER.writeValueAsString(m));
        } else if (problems.isEmpty()) {
            out.printf("live generation %s is sound: %d files present, checksums match, every index opens and searches%n",
                    generation, manifest.files().size());
        } else {
            out.printf("live generation %s has %d problem(s):%n", generation == null ? "(none)" : generation, problems.size());
            problems.forEach(p -> out.println("  " + p));
        }
        out.flush();
        return problems.isEmpty() ? 0 : 1;
    }
}
