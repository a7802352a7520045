package dev.faissrebuild.vectors;

import java.nio.file.Path;

/** An embeddings file we cannot use, with the file and the problem spelled out. */
public class InvalidEmbeddingsException extends RuntimeException {
    private final Path file;
    private final String problem;

    public InvalidEmbeddingsException(Path file, String problem) {
        this(file, problem, null);
    }

    public InvalidEmbeddingsException(Path file, String problem, Throwable cause) {
        super("embeddings file " + file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    /** The problem alone, without the file name. */
    public String problem() {
        return problem;
    }
}
