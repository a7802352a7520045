package dev.faissrebuild.builder.run;

import dev.faissrebuild.builder.BuiltIndex;
import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.runtime.child.ChildJob;

/** One build, as the job of a child JVM ({@link ChildProcessBuildRunner}). */
public final class BuildJob implements ChildJob<IndexBuilder.Request, BuildJob.Reply> {
    /** {@code built} when the index was written, else the failure's {@code kind} and {@code reason}. */
    public record Reply(BuiltIndex built, FailureKind kind, String reason) {}

    @Override
    public Class<IndexBuilder.Request> requestType() {
        return IndexBuilder.Request.class;
    }

    @Override
    public Reply run(IndexBuilder.Request request) {
        return switch (new InProcessBuildRunner().run(request, "child")) {
            case BuildOutcome.Built b -> new Reply(b.index(), null, null);
            case BuildOutcome.Failed f -> new Reply(null, f.kind(), f.reason());
        };
    }
}
