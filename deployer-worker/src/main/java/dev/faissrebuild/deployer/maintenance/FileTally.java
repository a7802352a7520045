package dev.faissrebuild.deployer.maintenance;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * Files counted by identity (device and inode), not by path: a file a deploy carried over is hard-linked
 * into the new generation, and counting it twice would double the apparent size of the generations.
 * It also knows how many links each file has in all, so it can tell what deleting the counted paths frees.
 */
final class FileTally {
    private record Seen(long size, long links, int countedPaths) {}

    private final Map<Object, Seen> files = new HashMap<>();

    /**
     * Counts every regular file under {@code root} (or {@code root} itself); symlinks are not followed,
     * and a file that vanishes while being counted (a concurrent cleanup) is skipped.
     */
    FileTally add(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return this;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes a) throws IOException {
                if (a.isRegularFile()) count(p, a);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }
        });
        return this;
    }

    private void count(Path p, BasicFileAttributes a) throws IOException {
        long links;
        try {
            links = ((Number) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (NoSuchFileException e) {
            return;
        }
        files.merge(a.fileKey(), new Seen(a.size(), links, 1), (x, y) -> new Seen(x.size(), x.links(), x.countedPaths() + 1));
    }

    long files() {
        return files.size();
    }

    long bytes() {
        return files.values().stream().mapToLong(Seen::size).sum();
    }

    /** What deleting every counted path would free: files none of whose links are outside the tally. */
    long bytesFreedIfRemoved() {
        return files.values().stream().filter(s -> s.countedPaths() >= s.links()).mapToLong(Seen::size).sum();
    }
}
