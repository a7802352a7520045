package dev.faissrebuild.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long-running child JVM ({@code up}, a worker) that a test watches line by line and may kill -9
 * ({@link #kill}: SIGKILL, no shutdown hooks, as a crash). Its stdout and stderr go, merged, to a log
 * file kept for diagnosis and to {@link #lines()}, each line with the moment the test read it.
 */
final class ChildJvm implements AutoCloseable {
    /** One line of output and when it was read (nanoTime). */
    record Line(String text, long atNanos) {}

    private final Process process;
    private final Path log;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private volatile boolean outputEnded;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread.ofPlatform().daemon().name("child-" + process.pid()).start(this::pump);
    }

    static ChildJvm start(Path workDir, Path log, Class<?> main, String... args) throws IOException {
        return start(workDir, Map.of(), log, main, args);
    }

    /** @param env added to the child's environment */
    static ChildJvm start(Path workDir, Map<String, String> env, Path log, Class<?> main, String... args) throws IOException {
        return start(ChildCli.builder(workDir, env, main, args), log);
    }

    /** As above, with the file mode creation mask a systemd unit's {@code UMask=} sets (the shell's umask, then exec). */
    static ChildJvm startUnderUmask(String umask, Path workDir, Map<String, String> env, Path log, Class<?> main, String... args) throws IOException {
        ProcessBuilder pb = ChildCli.builder(workDir, env, main, args);
        List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        command.addAll(pb.command());
        return start(pb.command(command), log);
    }

    private static ChildJvm start(ProcessBuilder pb, Path log) throws IOException {
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().close();
        return new ChildJvm(p, log);
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(new Line(line, System.nanoTime()));
                file.println(line);
            }
        } catch (IOException ignored) {
            // the process is gone
        } finally {
            outputEnded = true;
        }
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The first line matching {@code regex}, waiting up to {@code timeout}; fails with the log's tail otherwise. */
    Line await(String regex, Duration timeout) throws Exception {
        return await(regex, timeout, 0);
    }

    /** As {@link #await(String, Duration)}, among the lines printed after the first {@code skip} ({@link #lineCount()} earlier). */
    Line await(String regex, Duration timeout, int skip) throws Exception {
        Predicate<String> match = Pattern.compile(regex).asPredicate();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ended = outputEnded; // read first: every line is in the list once the pump has ended
            Optional<Line> found = lines.stream().skip(skip).filter(l -> match.test(l.text())).findFirst();
            if (found.isPresent()) return found.get();
            if (ended) throw new AssertionError("pid " + pid() + " ended before printing /" + regex + "/:\n" + tail());
            if (System.nanoTime() > deadline) throw new AssertionError("pid " + pid() + " printed no /" + regex + "/ within " + timeout + ":\n" + tail());
            Thread.sleep(50);
        }
    }

    boolean printed(String regex) {
        Predicate<String> match = Pattern.compile(regex).asPredicate();
        return lines.stream().anyMatch(l -> match.test(l.text()));
    }

    /** Group 1 of {@code regex} in the first line that matches it (waits as {@link #await}). */
    String value(String regex, Duration timeout) throws Exception {
        Matcher m = Pattern.compile(regex).matcher(await(regex, timeout).text());
        if (!m.find()) throw new AssertionError(regex);
        return m.group(1);
    }

    int lineCount() {
        return lines.size();
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private String tail() {
        List<Line> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()).stream().map(Line::text).toList());
    }

    /** Stops it as an operator would (SIGTERM), then kills it if it has not ended within 60 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) kill();
    }
}
