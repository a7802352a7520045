package dev.faissrebuild.runtime.child;

import java.time.Duration;

/**
 * The handle of one supervised child: its time limit, and a way for anyone (a cancel) to stop it. A
 * child stopped either way is killed outright (SIGKILL: a FAISS call cannot be interrupted, and the
 * process takes all its threads with it), and its job reports why it was stopped.
 */
public final class Supervision {
    /** Why a child was stopped before it finished. */
    public enum Why { TIMED_OUT, CANCELLED }

    /** @param detail one sentence: the limit it exceeded, or who cancelled it and why */
    public record Stop(Why why, String detail) {}

    private final Duration limit;
    private final String limitName;
    private volatile long memoryLimitBytes;
    private volatile java.util.function.Consumer<JobProgress.Step> progress = step -> { };
    private volatile Process process;
    private volatile Stop stop;

    /** @param limitName the setting the limit comes from, for the message */
    public Supervision(Duration limit, String limitName) {
        this.limit = limit;
        this.limitName = limitName;
    }

    public static Supervision unlimited() {
        return new Supervision(null, null);
    }

    public Duration limit() {
        return limit;
    }

    /**
     * The job's own memory allowance (bytes, 0: none): the child runs under a hard limit of this plus
     * what a JVM with FAISS needs to exist ({@link MemoryFence}), so a runaway job fails alone.
     */
    public Supervision memoryLimit(long bytes) {
        this.memoryLimitBytes = bytes;
        return this;
    }

    /** Told of every progress report of the child. */
    public Supervision onProgress(java.util.function.Consumer<JobProgress.Step> listener) {
        this.progress = listener;
        return this;
    }

    void progress(JobProgress.Step step) {
        try {
            progress.accept(step);
        } catch (RuntimeException e) {
            // advisory: a listener's failure must not end the job
            org.slf4j.LoggerFactory.getLogger(Supervision.class).warn("event=progress_listener_failed error=\"{}\"", e.toString());
        }
    }

    public long memoryLimitBytes() {
        return memoryLimitBytes;
    }

    /** Stops the child now (or as soon as it starts). The first reason given is the one reported. */
    public synchronized void stop(Why why, String detail) {
        if (stop == null) stop = new Stop(why, detail);
        Process p = process;
        if (p != null) p.destroyForcibly();
    }

    public Stop stopped() {
        return stop;
    }

    synchronized void attach(Process p) {
        process = p;
        if (stop != null) p.destroyForcibly(); // cancelled before it started
    }

    void timedOut(Duration ran) {
        stop(Why.TIMED_OUT, "killed at its time limit of " + human(limit) + " (" + limitName + ") after " + human(ran));
    }

    static String human(Duration d) {
        return d.toMinutes() >= 2 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
