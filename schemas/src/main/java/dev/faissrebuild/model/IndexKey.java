package dev.faissrebuild.model;

import java.util.ArrayList;
import java.util.List;

/** One index of the set: a horizon and a type. Its string form {@code "24h/ivfpq"} is the Kafka key. */
public record IndexKey(Horizon horizon, IndexType type) implements Comparable<IndexKey> {

    public static IndexKey parse(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("index key '" + key + "' is not of the form 24h/ivfpq");
        return new IndexKey(Horizon.parse(key.substring(0, slash)), IndexType.parse(key.substring(slash + 1)));
    }

    /** Every (horizon, type) pair of the given lists, in a stable order. */
    public static List<IndexKey> all(List<Horizon> horizons, List<IndexType> types) {
        List<IndexKey> keys = new ArrayList<>();
        for (Horizon h : horizons) {
            for (IndexType t : types) keys.add(new IndexKey(h, t));
        }
        return keys;
    }

    public static List<IndexKey> all() {
        return all(List.of(Horizon.values()), List.of(IndexType.values()));
    }

    /** The other index of the same horizon (flatip for ivfpq and back): both are built from one embeddings file. */
    public IndexKey sibling() {
        return new IndexKey(horizon, type == IndexType.FLATIP ? IndexType.IVFPQ : IndexType.FLATIP);
    }

    /** {@code faiss_24h_ivfpq.faiss}: the file name consumers open. */
    public String fileName() {
        return "faiss_" + horizon.label() + "_" + type.code() + ".faiss";
    }

    /** {@code embeddings_24h.npy}: the source the index is built from. */
    public String embeddingsFileName() {
        return "embeddings_" + horizon.label() + ".npy";
    }

    @Override
    public String toString() {
        return horizon.label() + "/" + type.code();
    }

    @Override
    public int compareTo(IndexKey o) {
        int c = horizon.compareTo(o.horizon);
        return c != 0 ? c : type.compareTo(o.type);
    }
}
