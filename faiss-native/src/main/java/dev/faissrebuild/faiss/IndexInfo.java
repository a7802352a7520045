package dev.faissrebuild.faiss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What FAISS says about an index. IVF and PQ fields are -1 when the index has no such part.
 *
 * @param faissClass the C++ class, e.g. {@code IndexIVFPQ} or {@code IndexRefineFlat}
 */
public record IndexInfo(String faissClass, int dimension, long ntotal, Metric metric, boolean trained,
                        long nlist, long nprobe, int pqM, int pqNbits, double refineKFactor) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static IndexInfo fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new IndexInfo(n.get("class").asText(), n.get("d").asInt(), n.get("ntotal").asLong(),
                    Metric.ofCode(n.get("metric").asInt()), n.get("is_trained").asBoolean(),
                    n.path("nlist").asLong(-1), n.path("nprobe").asLong(-1),
                    n.path("pq_m").asInt(-1), n.path("pq_nbits").asInt(-1), n.path("refine_k_factor").asDouble(-1));
        } catch (java.io.IOException e) {
            throw new FaissException("describe index", "unreadable index description " + json, e);
        }
    }

    public boolean isIvf() {
        return nlist > 0;
    }
}
