package dev.faissrebuild.builder.run;

import dev.faissrebuild.builder.IndexBuilder;

/** Runs one build to its end; never throws for a failure of the build itself (that is a {@link BuildOutcome.Failed}). */
@FunctionalInterface
public interface BuildRunner {
    BuildOutcome run(IndexBuilder.Request request, String label);
}
