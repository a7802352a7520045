package dev.faissrebuild.validator.run;

import dev.faissrebuild.runtime.child.Supervision;
import dev.faissrebuild.validator.Candidate;
import dev.faissrebuild.validator.ValidationOutcome;
import dev.faissrebuild.validator.ValidationSettings;

/** Where a validation runs: in a child JVM in the worker ({@link ChildValidation}), in this process offline. */
@FunctionalInterface
public interface ValidationRunner {
    /** @param supervision its time limit and its cancel (a runner that cannot stop a validation ignores it) */
    ValidationOutcome validate(Candidate candidate, ValidationSettings settings, String label, Supervision supervision);
}
