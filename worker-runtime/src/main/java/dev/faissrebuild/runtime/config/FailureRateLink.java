package dev.faissrebuild.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code monitoring.max_failure_rate} and {@code monitoring.min_success_rate_24h} are one threshold
 * seen from two sides: FAISSRebuildLowSuccessRate fires when the failure share of the last 24 h
 * exceeds max_failure_rate, which is when the success share falls below min_success_rate_24h (the
 * seed's 0.2 and 0.8 sum to 1). So a file that sets one gets the other as 1 - it, and a file that sets
 * both to values that do not sum to 1 is refused: two thresholds for one alert cannot both hold.
 */
final class FailureRateLink {
    static final String FAILURE = "monitoring.max_failure_rate";
    static final String SUCCESS = "monitoring.min_success_rate_24h";
    /** Thirds and the like are written with a few digits (0.333333333333 and 0.666666666667): that close is a sum of 1. */
    static final double TOLERANCE = 1e-9;

    /** @param field the field computed, as 1 - {@code from} */
    record Derivation(String field, String from) {}

    private FailureRateLink() {}

    /**
     * @param set the fields the user's file set
     * @return the field derived from the other, when the file set exactly one
     */
    static Optional<Derivation> apply(ObjectNode tree, Set<String> set, List<String> problems) {
        ObjectNode m = (ObjectNode) tree.get("monitoring");
        boolean failure = set.contains(FAILURE);
        boolean success = set.contains(SUCCESS);
        if (failure && success) {
            double f = number(m, FAILURE);
            double s = number(m, SUCCESS);
            if (Math.abs(f + s - 1) > TOLERANCE) {
                problems.add(FAILURE + " = " + f + " and " + SUCCESS + " = " + s + ": expected two values that sum to 1 (they are one "
                        + "threshold: FAISSRebuildLowSuccessRate fires when more than " + FAILURE + " of the rebuilds in 24 h failed); "
                        + "set only one of them");
            }
            return Optional.empty();
        }
        if (failure == success) return Optional.empty();
        String from = failure ? FAILURE : SUCCESS;
        String to = failure ? SUCCESS : FAILURE;
        // rounded to 12 decimals: 1 - 0.8 is 0.19999999999999996 in doubles, and config show prints this value
        m.put(leaf(to), Math.round((1 - number(m, from)) * 1e12) / 1e12);
        return Optional.of(new Derivation(to, from));
    }

    private static double number(ObjectNode monitoring, String field) {
        JsonNode v = monitoring.get(leaf(field));
        return v.asDouble();
    }

    private static String leaf(String field) {
        return field.substring(field.indexOf('.') + 1);
    }
}
