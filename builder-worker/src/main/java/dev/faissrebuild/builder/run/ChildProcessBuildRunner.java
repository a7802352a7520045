package dev.faissrebuild.builder.run;

import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.runtime.child.ChildProcesses;
import dev.faissrebuild.runtime.child.ChildResult;
import dev.faissrebuild.runtime.child.Supervision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs each build in a child JVM of its own ({@link BuildJob}): the worker measures what the build
 * alone used and survives its death. A child that dies without its answer is a failed build that says
 * how it died, and what it had half-written is removed.
 */
public final class ChildProcessBuildRunner implements BuildRunner {
    private final ChildProcesses children;

    public ChildProcessBuildRunner(ChildProcesses children) {
        this.children = children;
    }

    public static ChildProcessBuildRunner sameJvm() {
        return new ChildProcessBuildRunner(ChildProcesses.sameJvm());
    }

    @Override
    public BuildOutcome run(IndexBuilder.Request request, String label, Supervision supervision) {
        ChildResult<BuildJob.Reply> result = children.run(BuildJob.class, request, BuildJob.Reply.class, label,
                Map.of("OMP_NUM_THREADS", Integer.toString(Math.max(1, request.threads()))), supervision);
        return switch (result) {
            case ChildResult.Replied<BuildJob.Reply> r when r.reply().built() != null ->
                    new BuildOutcome.Built(r.reply().built().withPeakRssBytes(r.usage().peakRssBytes()), r.usage());
            case ChildResult.Replied<BuildJob.Reply> r -> new BuildOutcome.Failed(r.reply().kind(), r.reply().reason(), r.usage());
            case ChildResult.Stopped<BuildJob.Reply> st -> {
                removePartialOutput(request.output(), st.pid());
                yield new BuildOutcome.Failed(st.stop().why() == Supervision.Why.TIMED_OUT ? FailureKind.TIMEOUT : FailureKind.CANCELLED,
                        "the build process (pid " + st.pid() + ") was " + st.stop().detail() + "; nothing was written", st.usage());
            }
            case ChildResult.Died<BuildJob.Reply> d -> {
                removePartialOutput(request.output(), d.pid());
                yield new BuildOutcome.Failed(d.outOfMemory() ? FailureKind.OUT_OF_MEMORY : FailureKind.INTERNAL,
                        "the build process (pid " + d.pid() + ") " + d.how()
                        + " before it finished; nothing was written", d.usage());
            }
        };
    }

    /** A killed build may leave the temporary file DurableFiles writes beside its target ({@code .<name>.tmp-<pid>-…}). */
    private static void removePartialOutput(Path output, long pid) {
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "." + output.getFileName() + ".tmp-" + pid + "-*")) {
            for (Path p : leftovers) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove what the dead build process left in " + dir, e);
        }
    }
}
