package dev.faissrebuild.store;

import dev.faissrebuild.runtime.files.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory as the store: an object is the file {@code <root>/<key>}, its sha256 the hidden sidecar
 * {@code .<name>.sha256} beside it, written after the file (an object without its sidecar is incomplete and
 * not listed). A file put at its own key (a builder that wrote into the store's directory) is not copied.
 */
public final class LocalArtifactStore implements ArtifactStore {
    private final Path root;

    public LocalArtifactStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public StoredObject put(String key, Path file, String sha256) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        if (!Files.exists(target) || !Files.isSameFile(file, target)) {
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
            try {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                DurableFiles.fsync(tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        DurableFiles.writeString(sidecar(target), sha256 + "\n");
        return new StoredObject(key, Files.size(target), sha256);
    }

    @Override
    public StoredObject get(String key, Path dest) throws IOException {
        StoredObject o = stat(key).orElseThrow(() -> new NoSuchFileException(describe() + "/" + key, null, "no such object"));
        try (InputStream in = Files.newInputStream(path(key))) {
            return VerifiedDownload.write(in, dest, describe(), key, o.sha256());
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        Path target = path(key);
        Path sum = sidecar(target);
        if (!Files.isRegularFile(target) || !Files.isRegularFile(sum)) return Optional.empty();
        return Optional.of(new StoredObject(key, Files.size(target), Files.readString(sum, StandardCharsets.US_ASCII).strip()));
    }

    @Override
    public List<String> keys(String prefix) throws IOException {
        // walked from the prefix's deepest directory, not the whole store (staging/ is not read to list generations/)
        Path from = prefix.contains("/") ? root.resolve(prefix.substring(0, prefix.lastIndexOf('/'))) : root;
        if (!from.normalize().startsWith(root) || !Files.isDirectory(from)) return List.of();
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                String key = root.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(prefix) && Files.isRegularFile(sidecar(p))) out.add(key); // without its sidecar it is incomplete
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        Path target = path(key);
        Files.deleteIfExists(sidecar(target)); // incomplete first: a crash between the two leaves no listed object
        Files.deleteIfExists(target);
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public void close() {}

    private Path path(String key) {
        Path p = root.resolve(ArtifactStore.checkedKey(key)).normalize();
        if (!p.startsWith(root)) throw new IllegalArgumentException("artifact key \"" + key + "\" leaves " + root);
        return p;
    }

    /** {@code .<name>.sha256} beside {@code target}: where a file's sha256 is kept (also the embeddings cache's). */
    static Path sidecar(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".sha256");
    }
}
