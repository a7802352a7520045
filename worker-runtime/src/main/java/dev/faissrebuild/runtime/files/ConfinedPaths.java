package dev.faissrebuild.runtime.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves paths that arrive in events or from users against a configured root, and refuses those
 * that would escape it: absolute paths elsewhere, {@code ..}, or symlinks that lead outside.
 */
public final class ConfinedPaths {
    private ConfinedPaths() {}

    /** {@code root.resolve(relative)}, guaranteed to stay under {@code root}. */
    public static Path resolve(Path root, String relative) {
        if (relative == null || relative.isBlank()) throw new IllegalArgumentException("empty path (expected a path under " + root + ")");
        Path base = root.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base)) {
            throw new IllegalArgumentException("path '" + relative + "' leads outside " + base);
        }
        try {
            if (Files.exists(p) && !p.toRealPath().startsWith(realOrSelf(base))) {
                throw new IllegalArgumentException("path '" + relative + "' is a link that leads outside " + base);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("path '" + relative + "' cannot be resolved: " + e.getMessage());
        }
        return p;
    }

    /** {@code path} relative to {@code root}, as events carry it. */
    public static String relative(Path root, Path path) {
        return root.toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize()).toString();
    }

    /** A single file-name component: no separators, no {@code ..}, nothing hidden. */
    public static String requireSimpleName(String name, String what) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || name.contains("..")) {
            throw new IllegalArgumentException(what + " '" + name + "' is not allowed: use letters, digits, '.', '_' and '-' only, no path separators or '..'");
        }
        return name;
    }

    private static Path realOrSelf(Path p) throws IOException {
        return Files.exists(p) ? p.toRealPath() : p;
    }
}
