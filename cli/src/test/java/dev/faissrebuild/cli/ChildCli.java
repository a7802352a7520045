package dev.faissrebuild.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI (or another main) as its own JVM, as {@code bin/faiss-rebuild} does: what the process
 * writes to its file descriptors (FAISS's native stderr included, which an in-process run cannot capture)
 * and its exit code are what a user sees. The debug and log-level variables of the test's environment
 * are left out, so each test says what it sets.
 */
record ChildCli(int code, String out, String err) {
    static ChildCli run(Path workDir, String... args) throws Exception {
        return run(workDir, Map.of(), FaissRebuildCli.class, args);
    }

    static ChildCli run(Path workDir, Map<String, String> env, Class<?> main, String... args) throws Exception {
        Process p = builder(workDir, env, main, args).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args) + " did not end within 5 minutes");
        }
        return new ChildCli(p.exitValue(), out.get(), err.get());
    }

    /** The JVM of {@code main} with {@code args}, as bin/faiss-rebuild starts it, in {@code workDir}, with {@code env} added. */
    static ProcessBuilder builder(Path workDir, Map<String, String> env, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().remove("FAISS_REBUILD_DEBUG");
        pb.environment().remove("FAISS_REBUILD_LOG_LEVEL");
        pb.environment().remove("FAISS_REBUILD_INSTANCE_ID");
        pb.environment().putAll(env);
        return pb;
    }

    /** stderr without log lines: what the user reads. */
    List<String> messages() {
        return err.lines().filter(l -> !l.contains("level=")).toList();
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
