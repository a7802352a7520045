package dev.faissrebuild.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the README's table of service metrics documents (the rows of "### Metrics" under "## Monitoring"). */
final class ReadmeMetrics {
    private static final Pattern ROW = Pattern.compile("^\\| `(faiss_[a-z0-9_]+)` \\|");

    private ReadmeMetrics() {}

    static Set<String> names() throws IOException {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(p.resolve("README.md")) || !Files.isDirectory(p.resolve("cli"))) p = p.getParent();
        String readme = Files.readString(p.resolve("README.md"));
        int start = readme.indexOf("\n### Metrics\n");
        if (start < 0) throw new AssertionError("README.md has no '### Metrics' section");
        int end = readme.indexOf("\n#", start + 5);
        Set<String> names = new TreeSet<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) names.add(m.group(1));
        }
        return names;
    }
}
