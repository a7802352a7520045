package dev.faissrebuild.validator;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.IndexInfo;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.vectors.NpyMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Structure: the file is the one the builder wrote (checksum), and FAISS reads it as the index asked
 * for: the type and metric requested, the embeddings' dimension, and one vector per source vector
 * (counted from the embeddings file, never a hard-coded number).
 */
final class StructureGate {
    static final String NAME = "structure";

    private StructureGate() {}

    static Gate check(Candidate c, Index index, NpyMatrix vectors) {
        List<String> problems = new ArrayList<>();
        if (c.expectedSha256() != null) {
            String actual = Sha256.of(c.indexFile());
            if (!actual.equals(c.expectedSha256())) {
                problems.add("sha256 " + actual.substring(0, 12) + "… differs from the builder's " + c.expectedSha256().substring(0, Math.min(12, c.expectedSha256().length())) + "…");
            }
        }
        IndexInfo info = index.info();
        if (!typeMatches(c.type(), info)) problems.add("FAISS type " + info.faissClass() + " is not a " + c.type().code() + " index");
        if (info.metric() != Metric.INNER_PRODUCT) problems.add("metric is " + info.metric().label() + ", expected inner_product");
        if (info.dimension() != vectors.dim()) problems.add("dimension " + info.dimension() + " differs from the embeddings' " + vectors.dim());
        if (info.ntotal() != vectors.rows()) problems.add("holds " + info.ntotal() + " vectors, the embeddings have " + vectors.rows());
        if (!info.trained()) problems.add("index is not trained");
        String summary = info.faissClass() + ", d=" + info.dimension() + ", ntotal=" + info.ntotal() + ", " + info.metric().label();
        return problems.isEmpty()
                ? Gate.passed(NAME, null, null, summary)
                : Gate.failed(NAME, null, null, String.join("; ", problems));
    }

    static boolean typeMatches(IndexType type, IndexInfo info) {
        return switch (type) {
            case FLATIP -> info.faissClass().startsWith("IndexFlat");
            case IVFPQ -> info.isIvf() && info.pqM() > 0;
        };
    }
}
