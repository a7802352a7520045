package dev.faissrebuild.builder.run;

import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.runtime.child.Supervision;

/** Runs one build to its end; never throws for a failure of the build itself (that is a {@link BuildOutcome.Failed}). */
@FunctionalInterface
public interface BuildRunner {
    /** @param supervision its time limit and its cancel (a runner that cannot stop a build ignores it) */
    BuildOutcome run(IndexBuilder.Request request, String label, Supervision supervision);

    default BuildOutcome run(IndexBuilder.Request request, String label) {
        return run(request, label, Supervision.unlimited());
    }
}
