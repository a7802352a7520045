package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.faiss.HeldOutRecall;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.RecallMeter;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.RowSample;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the quality gates on a candidate, in order: structure, search sanity, latency, recall,
 * regression against the live index. A gate that cannot run because an earlier one failed is reported
 * as skipped, with the reason; with {@code validation.enabled = false} only structure runs. No Kafka here: the validator worker and {@code faiss-rebuild
 * validate-index} both call this.
 */
public final class IndexValidator {
    /** A live index larger than this is not read beside the candidate (its figures come from its manifest). */
    static final long LIVE_IN_MEMORY_LIMIT = 1L << 30;
    /** Multiply-adds a flat index's query sample may cost in one search of all of it (about a second on one core). */
    static final long FLAT_QUERY_WORK = 1L << 33;
    static final int MIN_FLAT_QUERIES = 20;
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
            if (c.type().isExact()) return flatGates(c, index, vectors, gates);
            if (settings.queriesFile() != null) return queryFileGates(c, index, vectors, gates);
            return newestRowsGates(c, index, vectors, gates);
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

    /**
     * A flat index in proportion to its size: exactness proved by comparing the vectors it stores with
     * the embeddings (one memory compare, no brute-force ground truth of sample x N x d), then search
     * sanity and latency on a sample that shrinks as N grows ({@link #flatQueries}).
     */
    private ValidationOutcome flatGates(Candidate c, Index index, NpyMatrix vectors, List<Gate> gates) {
        long mismatch = index.flatMismatch(vectors.segment());
        int nq = flatQueries(vectors.rows(), vectors.dim(), settings.sampleSize());
        long[] ids = RowSample.distinct(vectors.rows(), nq, settings.seed());
        try (Arena arena = Arena.ofConfined()) {
            Probe probe = new Probe(index, vectors, ids, vectors.gather(ids, arena), settings);
            return searchGates(c, probe, () -> RecallGate.proved(mismatch, vectors.rows(), vectors.dim(), settings.k(), nq),
                    live -> null, gates);
        }
    }

    /**
     * Queries for a flat index's sanity and latency gates: each costs N x d multiply-adds, so beyond
     * {@link #FLAT_QUERY_WORK} in all the sample shrinks, to no fewer than {@link #MIN_FLAT_QUERIES}
     * (13,148 x 256: the whole sample; 2M x 256: 20).
     */
    static int flatQueries(long rows, int dim, int sampleSize) {
        long affordable = Math.max(MIN_FLAT_QUERIES, FLAT_QUERY_WORK / Math.max(1, rows * dim));
        return (int) Math.min(Math.min(sampleSize, rows), affordable);
    }

    /**
     * @param recall the candidate's recall, measured (or, for a flat index, proved) once its search is known sane
     * @param liveRecall the live index's recall on the same queries, or null to take its recorded figure
     */
    private ValidationOutcome searchGates(Candidate c, Probe probe, Supplier<RecallGate.Verdict> recall,
                                          Function<Index, RecallMeter.Recall> liveRecall, List<Gate> gates) {
        Gate sanity = SearchSanityGate.check(probe, c.type());
        gates.add(sanity);
        if (sanity.failed()) return skipRest(gates, "search results are malformed");
        try (Index live = openLive(c, probe)) {
            LatencyGate.Timing timing = LatencyGate.measure(probe, live);
            LatencyGate.Latency latency = timing.candidate();
            gates.add(LatencyGate.check(latency, settings.maxLatencyP99Ms()));
            RecallGate.Verdict measured = recall.get();
            gates.add(measured.gate());
            Figures figures = new Figures(settings.k(), measured.queries(), measured.atK(), measured.oneAt1(), latency.p50(), latency.p95(),
                    latency.p99(), latency.batchP99());
            if (live == null) {
                gates.addAll(RegressionGates.skipped(whyNoLive(c)));
            } else {
                RecallMeter.Recall liveMeasured = liveRecall.apply(live);
                Double baseline = liveMeasured != null ? Double.valueOf(liveMeasured.atK()) : c.baseline().recordedRecall();
                gates.add(RegressionGates.recall(measured.atK() == null ? 0 : measured.atK(), baseline, liveMeasured != null ? "measured now on the same queries"
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

    private static String whyNoLive(Candidate c) {
        if (c.baseline() == null) return "no live generation to compare with";
        if (tooLargeBeside(c.baseline().file())) {
            return "the live index " + c.baseline().file().getFileName() + " is larger than " + (LIVE_IN_MEMORY_LIMIT >> 20)
                    + " MiB: it is not read into memory beside the candidate, so only the budgets apply";
        }
        return "the live index " + c.baseline().file().getFileName() + " cannot be compared (unreadable or another dimension)";
    }

    /**
     * An approximate index without a query file: recall on the newest rows, held out of a copy of the
     * index ({@link HeldOutRecall} says why); sanity and latency on a seeded sample of rows (their exact
     * neighbours are not needed, so none are computed).
     */
    private ValidationOutcome newestRowsGates(Candidate c, Index index, NpyMatrix vectors, List<Gate> gates) {
        try (HeldOutRecall newest = HeldOutRecall.newest(vectors, settings.sampleSize(), settings.seed(), settings.k(), index.metric(),
                settings.threads()); Arena arena = Arena.ofConfined()) {
            long[] ids = RowSample.distinct(vectors.rows(), (int) Math.min(settings.sampleSize(), vectors.rows()), settings.seed());
            String queries = String.format("drawn from the newest %d rows, held out of a copy of the index", newest.split().heldOutRows());
            return searchGates(c, new Probe(index, vectors, ids, vectors.gather(ids, arena), settings),
                    () -> RecallGate.checked(newest.measure(index), c.type(), settings.minRecall(), queries),
                    live -> c.baseline().sameEmbeddings() ? newest.measure(live) : null, gates);
        }
    }

    /** An approximate index with {@code validation.queries_file}: those queries, against exact search over the whole source. */
    private ValidationOutcome queryFileGates(Candidate c, Index index, NpyMatrix vectors, List<Gate> gates) {
        try (NpyMatrix file = NpyMatrix.openChecked(settings.queriesFile());
             RecallMeter meter = RecallMeter.heldOut(vectors, file, settings.sampleSize(), settings.k(), index.metric(), settings.threads())) {
            String queries = "the query file " + settings.queriesFile().getFileName();
            return searchGates(c, new Probe(index, vectors, meter.queryIds(), meter.queries(), settings),
                    () -> RecallGate.checked(meter.measure(index, false), c.type(), settings.minRecall(), queries),
                    live -> c.baseline().sameEmbeddings() ? meter.measure(live, false) : null, gates);
        }
    }

    /** The live index of the same key, if there is one that can be compared (same dimension); null otherwise. */
    private static Index openLive(Candidate c, Probe probe) {
        if (c.baseline() == null || tooLargeBeside(c.baseline().file())) return null;
        try {
            Index live = Index.read(c.baseline().file());
            if (live.dimension() == probe.dim() && live.metric() == probe.index().metric()) return live;
            live.close();
        } catch (FaissException e) {
            // an unreadable live index is maintenance validate's finding; here it only means no baseline
        }
        return null;
    }

    /** Two full copies of a large index never share the memory: beyond this the live one is not read. */
    private static boolean tooLargeBeside(java.nio.file.Path live) {
        try {
            return java.nio.file.Files.size(live) > LIVE_IN_MEMORY_LIMIT;
        } catch (java.io.IOException e) {
            return false; // unreadable: openLive finds out and says so
        }
    }

    private ValidationOutcome skipRest(List<Gate> gates, String why) {
        for (String name : List.of(StructureGate.NAME, SearchSanityGate.NAME, LatencyGate.NAME, RecallGate.NAME,
                RegressionGates.RECALL, RegressionGates.LATENCY)) {
            if (gates.stream().noneMatch(g -> g.name().equals(name))) gates.add(Gate.skipped(name, "not run: " + why));
        }
        return ValidationOutcome.of(gates, Figures.none(settings.k()));
    }
}
