package dev.faissrebuild.runtime.files;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * File-system errors in the words an operator acts on: "no space left" and "read-only" said plainly,
 * with the place and (for space) how much is free, rather than a Java exception's text.
 */
public final class DiskErrors {
    private DiskErrors() {}

    /** One sentence for an error that happened writing at {@code where}. */
    public static String describe(IOException e, Path where) {
        String text = String.valueOf(e.getMessage()) + (e.getCause() != null ? " " + e.getCause().getMessage() : "");
        if (text.contains("No space left on device")) return "no space left on the device holding " + where + " (ENOSPC; " + free(where) + ")";
        if (text.contains("Disk quota exceeded")) return "disk quota exceeded on the device holding " + where + " (EDQUOT)";
        if (text.contains("Read-only file system")) return "the file system holding " + where + " is read-only (EROFS)";
        return "cannot write " + where + ": " + e;
    }

    /** "N MiB free of M MiB", or "free space unknown". */
    public static String free(Path where) {
        try {
            FileStore store = Files.getFileStore(existing(where));
            return mib(store.getUsableSpace()) + " free of " + mib(store.getTotalSpace());
        } catch (IOException e) {
            return "free space unknown";
        }
    }

    /** Usable bytes on the file system that holds {@code where} (or its nearest existing parent). */
    public static long usable(Path where) throws IOException {
        return Files.getFileStore(existing(where)).getUsableSpace();
    }

    private static Path existing(Path p) {
        Path q = p.toAbsolutePath();
        while (q != null && !Files.exists(q)) q = q.getParent();
        return q == null ? Path.of("/") : q;
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
