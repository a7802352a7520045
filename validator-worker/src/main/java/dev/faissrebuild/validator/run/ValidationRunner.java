package dev.faissrebuild.validator.run;

import dev.faissrebuild.validator.Candidate;
import dev.faissrebuild.validator.ValidationOutcome;
import dev.faissrebuild.validator.ValidationSettings;

/** Where a validation runs: in a child JVM in the worker ({@link ChildValidation}), in this process offline. */
@FunctionalInterface
public interface ValidationRunner {
    ValidationOutcome validate(Candidate candidate, ValidationSettings settings, String label);
}
