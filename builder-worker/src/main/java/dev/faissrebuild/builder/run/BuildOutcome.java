package dev.faissrebuild.builder.run;

import dev.faissrebuild.builder.BuiltIndex;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.runtime.child.ResourceUsage;

/** How one build ended, with what it used. */
public sealed interface BuildOutcome {
    ResourceUsage usage();

    /** The index file was written. */
    record Built(BuiltIndex index, ResourceUsage usage) implements BuildOutcome {}

    /** Nothing usable was written; {@code reason} names the file or setting and the problem. */
    record Failed(FailureKind kind, String reason, ResourceUsage usage) implements BuildOutcome {}
}
