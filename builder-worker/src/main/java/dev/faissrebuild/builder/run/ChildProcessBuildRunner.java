package dev.faissrebuild.builder.run;

import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.events.FailureKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each build in a child JVM ({@link BuildChildMain}) with the same classes and native library: the
 * worker stays responsive, measures what the build alone used, and survives the build whatever happens
 * to it — a FAISS crash, a signal (SIGBUS from a file truncated under its mapping), memory exhaustion.
 * A child that dies without its answer is a failed build that says how it died, and its half-written
 * output is removed. The child's log lines are passed on as they come.
 */
public final class ChildProcessBuildRunner implements BuildRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcessBuildRunner.class);
    private final List<String> jvm;

    /** @param jvm the java command and its options, up to the main class */
    public ChildProcessBuildRunner(List<String> jvm) {
        this.jvm = List.copyOf(jvm);
    }

    /** Children on this process's JVM binary and class path, with the flags FAISS needs. */
    public static ChildProcessBuildRunner sameJvm() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // SerialGC: the build's memory is native; a small heap and one GC thread leave the cores to FAISS
        return new ChildProcessBuildRunner(List.of(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Xss4m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
    }

    @Override
    public BuildOutcome run(IndexBuilder.Request request, String label) {
        long started = System.nanoTime();
        Process child;
        try {
            child = start(request);
        } catch (IOException e) {
            return new BuildOutcome.Failed(FailureKind.INTERNAL, "cannot start a build process: " + e.getMessage(), wallOnly(started));
        }
        AtomicReference<BuildOutcome> reply = new AtomicReference<>();
        Thread stdout = pump(child.getInputStream(), label, line -> {
            if (line.startsWith(ChildProtocol.REPLY)) reply.set(ChildProtocol.reply(line));
            else passOn(label, line);
        });
        Thread stderr = pump(child.getErrorStream(), label, line -> passOn(label, line));
        int exit = await(child);
        join(stdout);
        join(stderr);
        if (reply.get() != null && exit == 0) return reply.get();
        removePartialOutput(request.output(), child.pid());
        return new BuildOutcome.Failed(FailureKind.INTERNAL, "the build process (pid " + child.pid() + ") " + death(exit)
                + " before it finished; nothing was written", wallOnly(started));
    }

    private Process start(IndexBuilder.Request request) throws IOException {
        List<String> command = new ArrayList<>(jvm);
        command.add(BuildChildMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("OMP_NUM_THREADS", Integer.toString(Math.max(1, request.threads())));
        env.put("FAISS_REBUILD_LOG_LEVEL", LogLevel.effective());
        Process p = pb.start();
        OutputStream stdin = p.getOutputStream();
        stdin.write((ChildProtocol.request(request) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush(); // and left open: closing it tells the child we are gone
        return p;
    }

    /** Child lines that are log lines already go out as they are; anything else (native output) becomes one. */
    private static void passOn(String label, String line) {
        if (line.contains(" level=")) System.err.println(line);
        else if (!line.isBlank()) LOG.warn("event=build_output build={} line=\"{}\"", label, line.replace("\"", "'"));
    }

    private static Thread pump(InputStream in, String label, java.util.function.Consumer<String> each) {
        return Thread.ofPlatform().daemon().name("build-child-" + label).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) each.accept(line);
            } catch (IOException ignored) {
                // the child is gone
            }
        });
    }

    private static int await(Process child) {
        try {
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

    /** How a process ended, in words: a JVM killed by signal N exits with 128 + N. */
    static String death(int exit) {
        if (exit == -1) return "was stopped (the worker was interrupted)";
        if (exit == BuildChildMain.ORPHANED) return "lost its worker";
        if (exit > 128) {
            int signal = exit - 128;
            String name = switch (signal) {
                case 6 -> "SIGABRT";
                case 7 -> "SIGBUS (a memory-mapped file changed or shrank under it)";
                case 9 -> "SIGKILL (killed, e.g. by the kernel's out-of-memory killer)";
                case 11 -> "SIGSEGV";
                case 15 -> "SIGTERM";
                default -> "signal " + signal;
            };
            return "died of " + name;
        }
        return "exited with code " + exit;
    }

    private static void removePartialOutput(Path output, long pid) {
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "." + output.getFileName() + ".tmp-" + pid + "-*")) {
            for (Path p : leftovers) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove what the dead build process left in " + dir, e);
        }
    }

    private static ResourceUsage wallOnly(long started) {
        return new ResourceUsage(-1, 0, (System.nanoTime() - started) / 1e9);
    }
}
