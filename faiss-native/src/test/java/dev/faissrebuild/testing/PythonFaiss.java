package dev.faissrebuild.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code faiss_tool.py} (or another script of the test class path) with Debian's Python FAISS (the
 * same FAISS 1.7.3 as ours) in a child process: the reference implementation every cross-language test
 * compares against.
 */
public final class PythonFaiss {
    public static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Path> SCRIPTS = new ConcurrentHashMap<>();

    private PythonFaiss() {}

    public static JsonNode run(String... args) {
        return runScript("/python/faiss_tool.py", args);
    }

    /** Runs the script at class-path {@code resource} with {@code args}; it must print one JSON document. */
    public static JsonNode runScript(String resource, String... args) {
        Path script = script(resource);
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            Process p = pb.start();
            byte[] out;
            byte[] err;
            try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
                out = o.readAllBytes();
                err = e.readAllBytes();
            }
            if (!p.waitFor(300, TimeUnit.SECONDS)) throw new IllegalStateException("python timed out: " + command);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("python failed (" + p.exitValue() + "): " + command + "\n"
                        + new String(err, StandardCharsets.UTF_8));
            }
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + PYTHON + " (apt-get install python3-faiss python3-numpy)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static long[][] ids(JsonNode result) {
        JsonNode rows = result.get("ids");
        long[][] ids = new long[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            ids[i] = new long[row.size()];
            for (int j = 0; j < row.size(); j++) ids[i][j] = row.get(j).asLong();
        }
        return ids;
    }

    /** The script, copied out of the class path once so Python can run it from a plain file. */
    private static Path script(String resource) {
        return SCRIPTS.computeIfAbsent(resource, r -> {
            try (InputStream in = PythonFaiss.class.getResourceAsStream(r)) {
                if (in == null) throw new IllegalStateException(r + " is not on the test class path");
                Path file = Files.createTempFile("faiss_script", ".py");
                Files.write(file, in.readAllBytes());
                file.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
