package dev.faissrebuild.runtime.child;

/** How a child JVM's job ended: its reply, or how the process died without one; with what it used. */
public sealed interface ChildResult<R> {
    ResourceUsage usage();

    record Replied<R>(R reply, ResourceUsage usage) implements ChildResult<R> {}

    /**
     * @param how in words: "died of SIGBUS (…)", "exited with code 1", …
     * @param outOfMemory it could not allocate (its hard memory limit, or the machine's)
     */
    record Died<R>(long pid, String how, boolean outOfMemory, ResourceUsage usage) implements ChildResult<R> {}

    /** Killed by its supervisor: the time limit, or a cancel. */
    record Stopped<R>(long pid, Supervision.Stop stop, ResourceUsage usage) implements ChildResult<R> {}
}
