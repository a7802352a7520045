package dev.faissrebuild.cli;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.IndexInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect-index", mixinStandardHelpOptions = true,
        description = "Reads an index file with FAISS and shows its type, metric, dimension, size and IVF settings.")
final class InspectIndexCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "Index file.")
    Path file;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> d = describe(file);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(BuildIndexCommand.JSON.writeValueAsString(d));
        } else {
            d.forEach((k, v) -> o.printf("%-12s %s%n", k, v));
        }
        o.flush();
        return 0;
    }

    static Map<String, Object> describe(Path file) throws java.io.IOException {
        try (Index index = Index.readMapped(file)) {
            IndexInfo info = index.info();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("type", info.faissClass());
            m.put("metric", info.metric().label());
            m.put("d", info.dimension());
            m.put("ntotal", info.ntotal());
            if (info.isIvf()) {
                m.put("nlist", info.nlist());
                m.put("nprobe", info.nprobe());
            }
            if (info.pqM() > 0) {
                m.put("pq_m", info.pqM());
                m.put("pq_nbits", info.pqNbits());
            }
            if (info.refineKFactor() > 0) m.put("k_factor", info.refineKFactor());
            m.put("size_bytes", Files.size(file));
            return m;
        }
    }
}
