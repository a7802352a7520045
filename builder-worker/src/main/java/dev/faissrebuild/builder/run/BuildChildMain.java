package dev.faissrebuild.builder.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The build child: one build in a process of its own, so the worker can measure it, bound it and kill
 * it, and survives whatever FAISS does (a crash, a signal, memory exhaustion). Started by
 * {@link ChildProcessBuildRunner}; see {@link ChildProtocol} for what it reads and writes.
 */
public final class BuildChildMain {
    /** Exit code when the worker went away (stdin closed) before the build ended. */
    static final int ORPHANED = 3;

    private BuildChildMain() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) System.exit(ORPHANED);
        var request = ChildProtocol.request(line);
        Thread.ofPlatform().daemon().name("lifeline").start(() -> {
            try {
                while (in.read() >= 0) {
                    // nothing is sent after the request; EOF means the worker died
                }
            } catch (IOException ignored) {
                // the pipe broke: the same
            }
            Runtime.getRuntime().halt(ORPHANED); // no half-written output survives: files are written to a temp name
        });
        BuildOutcome outcome = new InProcessBuildRunner().run(request, args.length > 0 ? args[0] : "build");
        out.println(ChildProtocol.reply(outcome));
        out.flush();
        System.exit(0);
    }
}
