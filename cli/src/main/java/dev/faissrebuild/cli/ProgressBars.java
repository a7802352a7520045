package dev.faissrebuild.cli;

import dev.faissrebuild.events.BuildProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The running builds' progress for {@code rebuild --wait}. On a terminal, one status line at the bottom,
 * redrawn in place (carriage return, erase line) with a bar and an ETA per build; other lines are
 * printed above it. Elsewhere (a pipe, a log file), plain lines: one per build when it starts a new
 * step and at most every {@link #PLAIN_EVERY} between, so a log stays readable.
 */
final class ProgressBars {
    static final Duration PLAIN_EVERY = Duration.ofSeconds(10);
    private static final int WIDTH = 20;
    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final Map<String, BuildProgress> running = new TreeMap<>();
    private final Map<String, Long> lastPlain = new TreeMap<>();
    private final Map<String, String> lastStep = new TreeMap<>();
    private boolean drawn;

    ProgressBars(PrintWriter out, boolean terminal, LongSupplier nanos) {
        this.out = out;
        this.terminal = terminal;
        this.nanos = nanos;
    }

    /** Whether standard output is a terminal (the JDK's console says so only when it is one). */
    static boolean stdoutIsTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    void update(BuildProgress p) {
        String key = p.getIndexKey();
        running.put(key, p);
        if (terminal) {
            redraw();
            return;
        }
        String step = p.getCandidate() + p.getStep();
        long now = nanos.getAsLong();
        Long last = lastPlain.get(key);
        if (step.equals(lastStep.get(key)) && last != null && now - last < PLAIN_EVERY.toNanos()) return;
        lastStep.put(key, step);
        lastPlain.put(key, now);
        out.println(line(p));
        out.flush();
    }

    /** The build of {@code indexKey} is over (built or failed): its bar goes. */
    void done(String indexKey) {
        if (running.remove(indexKey) != null && terminal) redraw();
    }

    /** Prints a line above the bars. */
    void println(String text) {
        if (terminal && drawn) out.print("\r\033[2K");
        out.println(text);
        if (terminal && !running.isEmpty()) draw();
        out.flush();
    }

    private void redraw() {
        if (drawn) out.print("\r\033[2K");
        if (running.isEmpty()) {
            drawn = false;
        } else {
            draw();
        }
        out.flush();
    }

    private void draw() {
        out.print(running.values().stream().map(ProgressBars::compact).collect(Collectors.joining("  ")));
        drawn = true;
    }

    /** {@code 24h/ivfpq [########------------]  42% add, ETA 35 s (candidate 1/3)} */
    static String line(BuildProgress p) {
        String candidate = p.getCandidates() > 1 ? " (candidate " + (p.getCandidate() + 1) + "/" + p.getCandidates() + ")" : "";
        String detail = "add".equals(p.getStep()) ? " " + p.getDone() + "/" + p.getTotal() + " rows" : "";
        return String.format("%s %s %3d%% %s%s, %s%s", p.getIndexKey(), bar(p.getRatio()), Math.round(p.getRatio() * 100), p.getStep(),
                detail, eta(p), candidate);
    }

    private static String compact(BuildProgress p) {
        return String.format("%s %s %d%% %s", p.getIndexKey(), bar(p.getRatio(), 8), Math.round(p.getRatio() * 100), eta(p));
    }

    static String bar(double ratio) {
        return bar(ratio, WIDTH);
    }

    static String bar(double ratio, int width) {
        int full = (int) Math.round(Math.max(0, Math.min(1, ratio)) * width);
        return "[" + "#".repeat(full) + "-".repeat(width - full) + "]";
    }

    static String eta(BuildProgress p) {
        if (p.getEtaSeconds() == null) return "ETA unknown";
        long s = Math.round(p.getEtaSeconds());
        return "ETA " + (s >= 120 ? (s / 60) + " min" : s + " s");
    }
}
