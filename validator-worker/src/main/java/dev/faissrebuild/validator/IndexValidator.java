package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.faiss.HeldOutRecall;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the quality gates on a candidate, in order: structure, search sanity, latency, recall,
 * regression against the live index. A gate that cannot run because an earlier one failed is reported
 * as skipped, with the reason; with {@code validation.enabled = false} only structure runs. No Kafka here: the validator worker and {@code faiss-rebuild
 * validate-index} both call this.
 */
public final class IndexValidator {
    private final ValidationSettings settings;

    public IndexValidator(ValidationSettings settings) {
        this.settings = settings;
    }

    public ValidationOutcome validate(Candidate c) {
        List<Gate> gates = new ArrayList<>();
        try (NpyMatrix vectors = NpyMatrix.open(c.embeddings()); Index index = Index.read(c.indexFile())) {
            index.threads(settings.threads());
            Gate structure = StructureGate.check(c, index, vectors);
            gates.add(structure);
            if (structure.failed()) return skipRest(gates, "the structure gate failed");
            if (!settings.qualityGates()) {
                skipRest(gates, ValidationSettings.DISABLED + " or the rebuild's --skip-validation (only the integrity gate runs: "
                        + "the index is not quality-checked)");
                return ValidationOutcome.structureOnly(gates, Figures.none(settings.k()));
            }
            try (RecallMeter meter = meter(vectors, index); HeldOutRecall newest = newQueries(vectors, index, c)) {
                return searchGates(c, new Probe(index, vectors, meter.queryIds(), meter.queries(), settings), meter, newest, gates);
            }
        } catch (FaissException e) {
            gates.add(Gate.failed(StructureGate.NAME, null, null, "FAISS cannot read " + c.indexFile().getFileName() + ": " + e.faissMessage()));
            return skipRest(gates, "the index file is unreadable");
        } catch (InvalidEmbeddingsException e) {
            gates.add(Gate.failed(StructureGate.NAME, null, null, "the source embeddings cannot be read: " + e.getMessage()));
            return skipRest(gates, "the source embeddings are unreadable");
        }
    }

    /** A candidate that cannot be judged (its source changed, its validation process died): rejected by the structure gate, saying why. */
    public ValidationOutcome refused(String why) {
        List<Gate> gates = new ArrayList<>(List.of(Gate.failed(StructureGate.NAME, null, null, why)));
        return skipRest(gates, "the candidate could not be judged");
    }

    private ValidationOutcome searchGates(Candidate c, Probe probe, RecallMeter meter, HeldOutRecall newest, List<Gate> gates) {
        Gate sanity = SearchSanityGate.check(probe, c.type());
        gates.add(sanity);
        if (sanity.failed()) return skipRest(gates, "search results are malformed");
        try (Index live = openLive(c, probe)) {
            LatencyGate.Timing timing = LatencyGate.measure(probe, live);
            LatencyGate.Latency latency = timing.candidate();
            gates.add(LatencyGate.check(latency, settings.maxLatencyP99Ms()));
            RecallMeter.Recall recall = recall(probe.index(), c, meter, newest);
            gates.add(RecallGate.check(recall, c.type(), settings.minRecall(), queriesOf(newest)));
            Figures figures = new Figures(settings.k(), recall.queries(), recall.atK(), recall.oneAt1(), latency.p50(), latency.p95(),
                    latency.p99(), latency.batchP99());
            if (live == null) {
                gates.addAll(RegressionGates.skipped(c.baseline() == null ? "no live generation to compare with"
                        : "the live index " + c.baseline().file().getFileName() + " cannot be compared (unreadable or another dimension)"));
            } else {
                RecallMeter.Recall liveRecall = c.baseline().sameEmbeddings() ? recall(live, c, meter, newest) : null;
                Double baseline = liveRecall != null ? Double.valueOf(liveRecall.atK()) : c.baseline().recordedRecall();
                gates.add(RegressionGates.recall(recall.atK(), baseline, liveRecall != null ? "measured now on the same queries"
                        : "as recorded in generation " + c.baseline().generationId(), settings.maxRecallDrop()));
                // a latency regression is a slower index for the same data: an index over more (or fewer) vectors is
                // expected to answer at another speed, and only the latency budget judges it then
                gates.add(live.ntotal() == probe.index().ntotal()
                        ? RegressionGates.latency(timing, settings.maxLatencyIncrease(), settings.latencySlackMs())
                        : Gate.skipped(RegressionGates.LATENCY, "the live index holds " + live.ntotal() + " vectors, the candidate "
                                + probe.index().ntotal() + ": not the same data, so only the latency budget applies"));
            }
            return ValidationOutcome.of(gates, figures);
        }
    }

    /**
     * Recall for queries that are not in the index, the figure gated and published: the newest rows held
     * out ({@link HeldOutRecall} says why), or the configured query file against the whole index. An exact
     * index scores 1 whatever the queries, so it keeps the own-row measurement, which proves it exact.
     */
    private static RecallMeter.Recall recall(Index index, Candidate c, RecallMeter rows, HeldOutRecall newest) {
        return newest == null ? rows.measure(index, c.type().isExact()) : newest.measure(index);
    }

    private String queriesOf(HeldOutRecall newest) {
        if (newest != null) {
            return String.format("drawn from the newest %d rows, held out of a copy of the index", newest.split().heldOutRows());
        }
        return settings.queriesFile() != null ? "the query file " + settings.queriesFile().getFileName() : "rows of the index, own id left out";
    }

    /** The held-out newest rows, for an approximate index without a query file; null otherwise. */
    private HeldOutRecall newQueries(NpyMatrix vectors, Index index, Candidate c) {
        if (c.type().isExact() || settings.queriesFile() != null) return null;
        return HeldOutRecall.newest(vectors, settings.sampleSize(), settings.seed(), settings.k(), index.metric(), settings.threads());
    }

    /** The seeded sample of source rows (search sanity, latency, the exact index's recall), or the held-out query file when one is configured. */
    private RecallMeter meter(NpyMatrix vectors, Index index) {
        if (settings.queriesFile() != null) {
            try (NpyMatrix queries = NpyMatrix.openChecked(settings.queriesFile())) {
                return RecallMeter.heldOut(vectors, queries, settings.sampleSize(), settings.k(), index.metric(), settings.threads());
            }
        }
        int nq = (int) Math.min(settings.sampleSize(), vectors.rows());
        return new RecallMeter(vectors, RowSample.distinct(vectors.rows(), nq, settings.seed()), settings.k(), index.metric(), settings.threads());
    }

    /** The live index of the same key, if there is one that can be compared (same dimension); null otherwise. */
    private static Index openLive(Candidate c, Probe probe) {
        if (c.baseline() == null) return null;
        try {
            Index live = Index.read(c.baseline().file());
            if (live.dimension() == probe.dim() && live.metric() == probe.index().metric()) return live;
            live.close();
        } catch (FaissException e) {
            // an unreadable live index is maintenance validate's finding; here it only means no baseline
        }
        return null;
    }

    private ValidationOutcome skipRest(List<Gate> gates, String why) {
        for (String name : List.of(StructureGate.NAME, SearchSanityGate.NAME, LatencyGate.NAME, RecallGate.NAME,
                RegressionGates.RECALL, RegressionGates.LATENCY)) {
            if (gates.stream().noneMatch(g -> g.name().equals(name))) gates.add(Gate.skipped(name, "not run: " + why));
        }
        return ValidationOutcome.of(gates, Figures.none(settings.k()));
    }
}
