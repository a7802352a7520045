package dev.faissrebuild.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A request body read strictly: a JSON object with known fields only, each of the type it must have.
 * Every mistake is an {@link IllegalArgumentException} naming the field, the value and what was expected
 * (the server answers it with 400): a typo never widens a request ({@code "horizon"} is not "all").
 */
public final class JsonRequest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final JsonNode body;

    private JsonRequest(JsonNode body) {
        this.body = body;
    }

    /** @param known the fields this request may have */
    public static JsonRequest parse(String text, Set<String> known) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object with the fields " + new TreeSet<>(known) + ", got "
                    + (node == null ? "an empty body" : node.getNodeType().toString().toLowerCase()));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw new IllegalArgumentException("unknown field '" + f + "'; known fields: " + new TreeSet<>(known));
        }
        return new JsonRequest(node);
    }

    /**
     * A list field: absent or {@code "all"} gives null (all of them); otherwise an array whose items
     * {@code item} reads (it throws IllegalArgumentException for a bad one).
     */
    public <T> List<T> listOrAll(String field, Function<String, T> item) {
        JsonNode v = body.get(field);
        if (v == null || v.isTextual() && v.asText().equals("all")) return null;
        if (!v.isArray()) throw new IllegalArgumentException("field '" + field + "' = " + v + ": expected a list (e.g. [6, 24]) or \"all\"");
        if (v.isEmpty()) throw new IllegalArgumentException("field '" + field + "' = []: expected at least one value, or \"all\"");
        List<T> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isTextual() && !x.isIntegralNumber()) throw new IllegalArgumentException("field '" + field + "' holds " + x + ": expected numbers or names");
            try {
                out.add(item.apply(x.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("field '" + field + "': " + e.getMessage());
            }
        }
        return out;
    }

    public boolean bool(String field, boolean otherwise) {
        JsonNode v = body.get(field);
        if (v == null) return otherwise;
        if (!v.isBoolean()) throw new IllegalArgumentException("field '" + field + "' = " + v + ": expected true or false");
        return v.asBoolean();
    }

    public String text(String field, String otherwise) {
        JsonNode v = body.get(field);
        if (v == null) return otherwise;
        if (!v.isTextual()) throw new IllegalArgumentException("field '" + field + "' = " + v + ": expected a string");
        return v.asText();
    }
}
