package dev.faissrebuild.runtime.child;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ChildJob}s in child JVMs with this process's classes, native library and JVM binary: the
 * supervisor stays responsive, measures what the job alone used, and survives the job whatever happens
 * to it — a crash in native code, a signal (SIGBUS from a file truncated under its mapping), memory
 * exhaustion. The child's log lines are passed on as they come.
 */
public final class ChildProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);
    /** Where a child JVM that crashes writes its report (hs_err_pid&lt;pid&gt;.log). */
    static final String CRASH_REPORTS = System.getProperty("java.io.tmpdir") + "/faiss-rebuild-crashes";
    private final List<String> jvm;

    /** @param jvm the java command and its options, up to the main class */
    public ChildProcesses(List<String> jvm) {
        this.jvm = List.copyOf(jvm);
    }

    /** Children on this process's JVM binary and class path, with the flags FAISS needs. */
    public static ChildProcesses sameJvm() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // SerialGC: the jobs' memory is native; a small heap and one GC thread leave the cores to FAISS.
        // A fatal signal in native code makes the JVM write a crash report and abort: into the temporary
        // directory, not the working directory of whoever started the worker, and without a core dump.
        return new ChildProcesses(List.of(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Xss4m", "-XX:+UseSerialGC", "-XX:ErrorFile=" + CRASH_REPORTS + "/hs_err_pid%p.log", "-XX:-CreateCoredumpOnCrash",
                "-cp", System.getProperty("java.class.path")));
    }

    /**
     * Runs {@code job} on {@code request} in a child and waits for it.
     *
     * @param env added to the child's environment (e.g. OMP_NUM_THREADS)
     */
    public <Q, R> ChildResult<R> run(Class<? extends ChildJob<Q, R>> job, Q request, Class<R> replyType, String label,
                                     Map<String, String> env) {
        return run(job, request, replyType, label, env, Supervision.unlimited());
    }

    /** The same, under {@code supervision}: killed at its time limit or when stopped. */
    public <Q, R> ChildResult<R> run(Class<? extends ChildJob<Q, R>> job, Q request, Class<R> replyType, String label,
                                     Map<String, String> env, Supervision supervision) {
        long started = System.nanoTime();
        Process child;
        try {
            child = start(job, request, env, supervision.memoryLimitBytes());
        } catch (IOException e) {
            return new ChildResult.Died<>(-1, "could not be started (" + e.getMessage() + ")", false, wallOnly(started));
        }
        supervision.attach(child);
        AtomicReference<ChildWire.Envelope<R>> reply = new AtomicReference<>();
        Thread stdout = pump(child.getInputStream(), label, line -> {
            if (line.startsWith(ChildWire.REPLY)) reply.set(ChildWire.readReply(line, replyType));
            else if (line.startsWith(ChildWire.PROGRESS)) supervision.progress(ChildWire.read(line.substring(ChildWire.PROGRESS.length()), JobProgress.Step.class));
            else passOn(label, line);
        });
        java.util.concurrent.atomic.AtomicBoolean saidOutOfMemory = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stderr = pump(child.getErrorStream(), label, line -> {
            if (line.contains("insufficient memory for the Java Runtime") || line.contains("java.lang.OutOfMemoryError")) saidOutOfMemory.set(true);
            passOn(label, line);
        });
        int exit = await(child, supervision, started);
        join(stdout);
        join(stderr);
        if (reply.get() != null && exit == 0) return new ChildResult.Replied<>(reply.get().reply(), reply.get().usage());
        if (supervision.stopped() != null) {
            LOG.warn("event=child_stopped job={} pid={} why={} detail=\"{}\"", label, child.pid(), supervision.stopped().why(),
                    supervision.stopped().detail());
            return new ChildResult.Stopped<>(child.pid(), supervision.stopped(), wallOnly(started));
        }
        Path report = Path.of(CRASH_REPORTS, "hs_err_pid" + child.pid() + ".log");
        boolean outOfMemory = saidOutOfMemory.get() || reportsOutOfMemory(report);
        String how = (outOfMemory ? "ran out of memory (" + death(exit) + ")" : death(exit))
                + (java.nio.file.Files.isRegularFile(report) ? " (crash report: " + report + ")" : "");
        return new ChildResult.Died<>(child.pid(), how, outOfMemory, wallOnly(started));
    }

    private Process start(Class<?> job, Object request, Map<String, String> env, long memoryLimit) throws IOException {
        List<String> command = new ArrayList<>(jvm);
        command.addAll(MemoryFence.JVM_FLAGS);
        command.add(ChildMain.class.getName());
        command.add(job.getName());
        ProcessBuilder pb = new ProcessBuilder(MemoryFence.wrap(command, memoryLimit));
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // glibc reserves 64 MiB of address space per arena, one per thread otherwise
        pb.environment().put("FAISS_REBUILD_LOG_LEVEL", LogLevel.effective());
        pb.environment().putAll(env);
        java.nio.file.Files.createDirectories(Path.of(CRASH_REPORTS));
        Process p = pb.start();
        OutputStream stdin = p.getOutputStream();
        stdin.write((ChildWire.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush(); // and left open: closing it tells the child we are gone
        return p;
    }

    /** Child lines that are log lines already go out as they are; anything else (native output) becomes one. */
    private static void passOn(String label, String line) {
        if (line.contains(" level=")) System.err.println(line);
        else if (!line.isBlank()) LOG.warn("event=child_output job={} line=\"{}\"", label, line.replace("\"", "'"));
    }

    private static Thread pump(InputStream in, String label, Consumer<String> each) {
        return Thread.ofPlatform().daemon().name("child-" + label).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) each.accept(line);
            } catch (IOException ignored) {
                // the child is gone
            }
        });
    }

    /** Waits for the child, killing it at its time limit; returns its exit code (-1: interrupted). */
    private static int await(Process child, Supervision supervision, long started) {
        try {
            if (supervision.limit() != null && !child.waitFor(supervision.limit().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                supervision.timedOut(java.time.Duration.ofNanos(System.nanoTime() - started));
            }
            return child.waitFor();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A JVM that could not allocate says so in its crash report. */
    private static boolean reportsOutOfMemory(Path report) {
        try {
            return java.nio.file.Files.isRegularFile(report) && java.nio.file.Files.readString(report).contains("Native memory allocation");
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** How a process ended, in words: a JVM killed by signal N exits with 128 + N. */
    static String death(int exit) {
        if (exit == -1) return "was stopped (its supervisor was interrupted)";
        if (exit == ChildMain.ORPHANED) return "lost its supervisor";
        if (exit == ChildMain.BROKEN) return "could not start its job (see its stderr above)";
        if (exit > 128) {
            String name = switch (exit - 128) {
                case 6 -> "SIGABRT (the JVM aborts on a fatal signal in native code, e.g. SIGBUS reading a mapped file that shrank)";
                case 7 -> "SIGBUS (a memory-mapped file changed or shrank under it)";
                case 9 -> "SIGKILL (killed, e.g. by the kernel's out-of-memory killer)";
                case 11 -> "SIGSEGV";
                case 15 -> "SIGTERM";
                default -> "signal " + (exit - 128);
            };
            return "died of " + name;
        }
        return "exited with code " + exit;
    }

    private static ResourceUsage wallOnly(long started) {
        return new ResourceUsage(-1, 0, (System.nanoTime() - started) / 1e9);
    }
}
