package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the quality gates on a candidate, in order: structure, search sanity, latency, recall. A gate
 * that cannot run because an earlier one failed is reported as skipped, with the reason. No Kafka
 * here: the validator worker and {@code faiss-rebuild validate-index} both call this.
 */
public final class IndexValidator {
    private final ValidationSettings settings;

    public IndexValidator(ValidationSettings settings) {
        this.settings = settings;
    }

    public ValidationOutcome validate(Candidate c) {
        List<Gate> gates = new ArrayList<>();
        try (NpyMatrix vectors = NpyMatrix.open(c.embeddings()); Index index = Index.read(c.indexFile()); Arena arena = Arena.ofConfined()) {
            index.threads(settings.threads());
            Gate structure = StructureGate.check(c, index, vectors);
            gates.add(structure);
            if (structure.failed()) return skipRest(gates, "the structure gate failed");
            int nq = (int) Math.min(settings.sampleSize(), vectors.rows());
            Probe probe = Probe.of(index, vectors, RowSample.distinct(vectors.rows(), nq, settings.seed()), arena, settings);
            Gate sanity = SearchSanityGate.check(probe, c.type());
            gates.add(sanity);
            if (sanity.failed()) return skipRest(gates, "search results are malformed");
            LatencyGate.Latency latency = LatencyGate.measure(probe);
            gates.add(LatencyGate.check(latency, settings.maxLatencyP99Ms()));
            RecallMeter.Recall recall = RecallGate.measure(probe, c.type());
            gates.add(RecallGate.check(recall, c.type(), settings.minRecall()));
            Figures figures = new Figures(settings.k(), nq, recall.atK(), recall.oneAt1(), latency.p50(), latency.p95(), latency.p99(), latency.batchP99());
            return ValidationOutcome.of(gates, figures);
        } catch (FaissException e) {
            gates.add(Gate.failed(StructureGate.NAME, null, null, "FAISS cannot read " + c.indexFile().getFileName() + ": " + e.faissMessage()));
            return skipRest(gates, "the index file is unreadable");
        } catch (InvalidEmbeddingsException e) {
            gates.add(Gate.failed(StructureGate.NAME, null, null, "the source embeddings cannot be read: " + e.getMessage()));
            return skipRest(gates, "the source embeddings are unreadable");
        }
    }

    private ValidationOutcome skipRest(List<Gate> gates, String why) {
        for (String name : List.of(StructureGate.NAME, SearchSanityGate.NAME, LatencyGate.NAME, RecallGate.NAME)) {
            if (gates.stream().noneMatch(g -> g.name().equals(name))) gates.add(Gate.skipped(name, "not run: " + why));
        }
        return ValidationOutcome.of(gates, Figures.none(settings.k()));
    }
}
