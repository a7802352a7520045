package dev.faissrebuild.deployer;

import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A generation holds, for each horizon, indices of one dimension built from one embeddings file: the
 * forecasting service searches both with the same query vector, so a 32-d flat index beside a 64-d
 * IVF-PQ of the same horizon would answer one of them with garbage or an error.
 */
final class HorizonConsistency {
    private HorizonConsistency() {}

    /** What would be mixed if these entries went live together; empty when every horizon is consistent. */
    static List<String> problems(List<GenerationManifest.Entry> entries) {
        List<String> problems = new ArrayList<>();
        byHorizon(entries).forEach((h, group) -> {
            for (int i = 1; i < group.size(); i++) {
                GenerationManifest.Entry a = group.getFirst();
                GenerationManifest.Entry b = group.get(i);
                boolean otherData = a.embeddingsSha256() != null && b.embeddingsSha256() != null && !a.embeddingsSha256().equals(b.embeddingsSha256());
                if (a.dimension() != b.dimension() || otherData) {
                    problems.add(describe(a) + " and " + describe(b) + " would be live together; a horizon's indices must come from the same "
                            + "embeddings (rebuild the whole horizon: faiss-rebuild rebuild --horizons " + h.hours() + ")");
                }
            }
        });
        return problems;
    }

    /** Horizons whose dimension this generation changes, as "6h: 64 -> 32", for the log: a deliberate, whole-horizon event. */
    static List<String> dimensionChanges(Optional<GenerationManifest> live, List<GenerationManifest.Entry> entries) {
        if (live.isEmpty()) return List.of();
        List<String> changes = new ArrayList<>();
        byHorizon(entries).forEach((h, group) -> {
            int now = group.getFirst().dimension();
            byHorizon(live.get().files()).getOrDefault(h, List.of()).stream().findFirst()
                    .filter(before -> before.dimension() != now).ifPresent(before -> changes.add(h.label() + ": " + before.dimension() + " -> " + now));
        });
        return changes;
    }

    private static Map<Horizon, List<GenerationManifest.Entry>> byHorizon(List<GenerationManifest.Entry> entries) {
        return entries.stream().collect(Collectors.groupingBy(e -> IndexKey.parse(e.indexKey()).horizon(), TreeMap::new, Collectors.toList()));
    }

    private static String describe(GenerationManifest.Entry e) {
        String sha = e.embeddingsSha256() == null ? "?" : e.embeddingsSha256().substring(0, Math.min(12, e.embeddingsSha256().length())) + "…";
        return e.indexKey() + " (d=" + e.dimension() + ", embeddings " + sha + (e.rebuilt() ? ", rebuilt" : ", live") + ")";
    }
}
