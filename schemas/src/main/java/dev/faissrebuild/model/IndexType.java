package dev.faissrebuild.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Index types per horizon: exact inner product, and compressed IVF-PQ (also inner product). */
public enum IndexType {
    FLATIP("flatip"), IVFPQ("ivfpq");

    private final String code;

    IndexType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Whether search results must equal exact search (flat) or only approach it (IVF-PQ). */
    public boolean isExact() {
        return this == FLATIP;
    }

    public static IndexType parse(String text) {
        for (IndexType t : values()) {
            if (t.code.equalsIgnoreCase(text.strip())) return t;
        }
        throw new IllegalArgumentException("index type '" + text + "' is not one of " + codes());
    }

    public static List<IndexType> parseList(String text) {
        if (text == null || text.isBlank()) return List.of(values());
        return Arrays.stream(text.split(",")).map(IndexType::parse).distinct().sorted().toList();
    }

    public static String codes() {
        return Arrays.stream(values()).map(IndexType::code).collect(Collectors.joining(", "));
    }
}
