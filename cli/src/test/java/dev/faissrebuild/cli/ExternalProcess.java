package dev.faissrebuild.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A program we did not write (Prometheus, Alertmanager) run by a test on loopback, its output kept in a file. */
final class ExternalProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ExternalProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ExternalProcess start(Path log, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ExternalProcess(p, log);
    }

    /** Waits until {@code url} answers 200 (the program's readiness endpoint). */
    ExternalProcess awaitReady(String url, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("exited with " + process.exitValue() + ":\n" + Files.readString(log));
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return this;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " not ready within " + timeout + ":\n" + Files.readString(log));
    }

    /** A loopback port nobody listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(10))) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
