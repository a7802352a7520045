package dev.faissrebuild.validator;

import dev.faissrebuild.model.IndexType;
import java.nio.file.Path;

/**
 * A staged index to judge, and what it must be.
 *
 * @param expectedSha256 the checksum the builder reported; null skips that check (offline validation)
 */
public record Candidate(String label, IndexType type, Path indexFile, String expectedSha256, Path embeddings) {}
