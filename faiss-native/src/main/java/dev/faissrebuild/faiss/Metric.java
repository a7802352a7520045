package dev.faissrebuild.faiss;

/** The two metrics faiss-rebuild builds with; codes are FAISS's {@code MetricType} values. */
public enum Metric {
    /** Inner product: larger is closer; on L2-normalised vectors it is the cosine similarity. */
    INNER_PRODUCT(0, "inner_product"),
    /** Squared Euclidean distance: smaller is closer. */
    L2(1, "l2");

    private final int code;
    private final String label;

    Metric(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** True when a better match has a larger score (results are sorted descending). */
    public boolean higherIsCloser() {
        return this == INNER_PRODUCT;
    }

    public static Metric ofCode(int code) {
        for (Metric m : values()) {
            if (m.code == code) return m;
        }
        throw new FaissException("metric", "FAISS metric code " + code + " is not supported (expected 0 inner product or 1 L2)");
    }

    public static Metric parse(String text) {
        for (Metric m : values()) {
            if (m.label.equalsIgnoreCase(text) || m.name().equalsIgnoreCase(text)) return m;
        }
        throw new IllegalArgumentException("metric '" + text + "' is not known; expected inner_product or l2");
    }
}
