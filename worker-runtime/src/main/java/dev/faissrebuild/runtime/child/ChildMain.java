package dev.faissrebuild.runtime.child;

import com.sun.management.OperatingSystemMXBean;
import dev.faissrebuild.runtime.ProcessMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM: runs one {@link ChildJob} (named by its class in {@code args[0]}) so the supervisor can
 * measure it, bound it and kill it, and survives whatever it does (a crash in native code, a signal,
 * memory exhaustion). It measures its own peak memory and CPU around the job.
 */
public final class ChildMain {
    /** Exit code when the supervisor went away (stdin closed) before the job ended. */
    static final int ORPHANED = 3;
    /** Exit code when the job class cannot be made or the request read: a bug, said on stderr. */
    static final int BROKEN = 4;

    private ChildMain() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) System.exit(ORPHANED);
        ChildJob<Object, Object> job;
        Object request;
        try {
            job = job(args[0]);
            request = ChildWire.read(line, job.requestType());
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("child job " + (args.length > 0 ? args[0] : "(none)") + " cannot start: " + e);
            System.exit(BROKEN);
            return;
        }
        Thread.ofPlatform().daemon().name("lifeline").start(() -> watch(in));
        JobProgress.toSupervisor(out);
        long wall = System.nanoTime();
        long cpu = cpuNanos();
        Object reply = job.run(request);
        ResourceUsage usage = new ResourceUsage(ProcessMemory.peakRssBytes(), (cpuNanos() - cpu) / 1e9, (System.nanoTime() - wall) / 1e9);
        synchronized (out) {
            out.println(ChildWire.REPLY + ChildWire.write(new ChildWire.Envelope<>(reply, usage)));
            out.flush();
        }
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private static ChildJob<Object, Object> job(String className) throws ReflectiveOperationException {
        return (ChildJob<Object, Object>) Class.forName(className).getConstructor().newInstance();
    }

    /** Nothing is sent after the request: EOF (or a broken pipe) means the supervisor died, and so does the job. */
    private static void watch(BufferedReader in) {
        try {
            while (in.read() >= 0) {
                // keep reading until EOF
            }
        } catch (IOException ignored) {
            // the pipe broke: the same
        }
        Runtime.getRuntime().halt(ORPHANED); // files are written under temporary names: nothing half-written is published
    }

    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
