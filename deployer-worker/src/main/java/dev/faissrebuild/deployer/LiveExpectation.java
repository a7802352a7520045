package dev.faissrebuild.deployer;

import dev.faissrebuild.runtime.files.IndicesLayout;
import java.util.Optional;

/**
 * What an operator agreed to replace. A confirmed restore or rollback names the live generation it was
 * shown; once it holds the lock it re-checks, so a deploy that slipped in while the operator was reading
 * the question is never silently undone.
 */
public sealed interface LiveExpectation {
    /** Whatever is live ({@code --force}). */
    record Any() implements LiveExpectation {}

    /** Exactly this live generation (empty: none). */
    record Exactly(Optional<String> generationId) implements LiveExpectation {}

    static LiveExpectation any() {
        return new Any();
    }

    static LiveExpectation exactly(Optional<String> generationId) {
        return new Exactly(generationId);
    }

    /** Refuses when the live generation is not the expected one. Callers hold the indices lock. */
    default void check(IndicesLayout layout) {
        if (this instanceof Exactly(Optional<String> expected)) {
            Optional<String> live = layout.liveGenerationId();
            if (!live.equals(expected)) {
                throw new OperationRefused("the live generation changed from " + expected.orElse("none") + " to " + live.orElse("none")
                        + " after you confirmed; nothing was done. Run the command again.");
            }
        }
    }
}
