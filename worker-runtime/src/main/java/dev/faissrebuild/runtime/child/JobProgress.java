package dev.faissrebuild.runtime.child;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * How far a job is, said from wherever in the job the work happens (the builder's train, add and tune
 * steps) without threading a listener through every call: one job runs per child process, so the
 * reporter is the process's. In a child it is a line on stdout to the supervisor; elsewhere, nothing.
 */
public final class JobProgress {
    /** One report: a step of candidate {@code candidate} of {@code candidates}, {@code done} of {@code total} units. */
    public record Step(String step, int candidate, int candidates, long done, long total) {}

    private static volatile Consumer<Step> sink = step -> { };

    private JobProgress() {}

    public static void report(String step, int candidate, int candidates, long done, long total) {
        sink.accept(new Step(step, candidate, candidates, done, total));
    }

    /** In a child: every report becomes a progress line for the supervisor. */
    static void toSupervisor(PrintStream out) {
        sink = step -> {
            synchronized (out) {
                out.println(ChildWire.PROGRESS + ChildWire.write(step));
                out.flush();
            }
        };
    }
}
