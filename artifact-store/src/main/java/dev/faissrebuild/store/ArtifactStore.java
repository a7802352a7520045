package dev.faissrebuild.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where index artifacts live between machines (issue 14): builders put staged files, validators and the
 * deployer get them back, the deployer publishes generations, serving hosts follow them. Every object is
 * stored with the sha256 of its bytes; {@link #get} verifies it while the bytes stream to disk and refuses
 * a mismatch, so a corrupted object never reaches a reader. Keys are relative, '/'-separated paths.
 */
public sealed interface ArtifactStore extends AutoCloseable permits LocalArtifactStore, S3ArtifactStore {
    /** An object: its key, size and the sha256 it was stored with. */
    record StoredObject(String key, long size, String sha256) {}

    /** Stores {@code file} under {@code key} with its sha256 (computed by the caller where the bytes were written). */
    StoredObject put(String key, Path file, String sha256) throws IOException;

    /**
     * Streams {@code key} into {@code dest} (a temporary file beside it, fsynced, then renamed), hashing as it
     * goes; never held in memory whole.
     * @throws ChecksumMismatchException the bytes do not have the stored sha256 (nothing is left at {@code dest})
     * @throws java.nio.file.NoSuchFileException no object has that key
     */
    StoredObject get(String key, Path dest) throws IOException;

    /** The object under {@code key}, if any. */
    Optional<StoredObject> stat(String key) throws IOException;

    /** The keys of every object whose key starts with {@code prefix}, sorted: a listing only, no object is read. */
    List<String> keys(String prefix) throws IOException;

    /** Every object whose key starts with {@code prefix}, sorted by key, with its size and sha256 (one {@link #stat} each). */
    default List<StoredObject> list(String prefix) throws IOException {
        List<StoredObject> out = new java.util.ArrayList<>();
        for (String key : keys(prefix)) stat(key).ifPresent(out::add);
        return out;
    }

    void delete(String key) throws IOException;

    /** For messages: {@code s3://bucket/prefix} or the directory. */
    String describe();

    @Override
    void close();

    /**
     * {@code s3://bucket[/prefix]} (endpoint, region and credentials from {@link S3ArtifactStore.Settings}) or a
     * directory (a path or {@code file:} URI).
     */
    static ArtifactStore open(String location, S3ArtifactStore.Settings s3) throws IOException {
        if (location.startsWith("s3://")) return S3ArtifactStore.open(URI.create(location), s3);
        return new LocalArtifactStore(location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location));
    }

    /** A key must be a plain relative path: no leading '/', no empty, '.' or '..' segment. */
    static String checkedKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("artifact key \"" + key + "\" must be a relative path like generations/g1/MANIFEST.json");
        }
        for (String part : key.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("artifact key \"" + key + "\" has an empty, '.' or '..' segment");
            }
        }
        return key;
    }
}
