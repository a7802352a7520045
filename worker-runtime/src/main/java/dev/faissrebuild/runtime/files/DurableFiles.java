package dev.faissrebuild.runtime.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writing files so that a crash leaves either the old state or the new one: write beside the target,
 * fsync the file, rename over the target, fsync the directory.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /** Produces a file's content at a path it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path file) throws IOException;
    }

    /** Lets {@code writer} fill a temporary file next to {@code target}, then publishes it atomically. */
    public static void replace(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
        try {
            writer.writeTo(tmp);
            fsync(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsync(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@link #replace}, and the sha256 of what was written, taken on another thread while the file is
     * flushed to disk (the flush waits on the disk, the hash on the CPU: together they take the time of
     * the longer one). The hash reads the file back from the page cache, so it is of the bytes the file holds.
     */
    public static String replaceHashed(Path target, Writer writer) throws IOException {
        String[] sha = new String[1];
        replace(target, tmp -> {
            writer.writeTo(tmp);
            var hash = java.util.concurrent.CompletableFuture.supplyAsync(() -> Sha256.of(tmp));
            fsync(tmp);
            try {
                sha[0] = hash.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
            }
        });
        return sha[0];
    }

    public static void writeString(Path target, String content) throws IOException {
        replace(target, tmp -> Files.writeString(tmp, content));
    }

    /** Flushes a file's or a directory's content and metadata to disk. */
    public static void fsync(Path path) throws IOException {
        boolean dir = Files.isDirectory(path);
        try (FileChannel ch = FileChannel.open(path, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
