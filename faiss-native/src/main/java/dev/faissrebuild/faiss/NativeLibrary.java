package dev.faissrebuild.faiss;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Finds and loads the FAISS shim ({@code libfaiss_shim.so}) once per JVM.
 *
 * <p>The Maven build compiles the shim into {@code target/classes/native/linux-x86_64/}, so it is a
 * class-path resource: loaded straight from the build output when that is a directory, or copied out
 * of the jar into a content-addressed cache file first (a library cannot be dlopen'ed from inside a
 * jar). {@code -Dfaiss.shim=/path/libfaiss_shim.so} overrides both. The library goes into
 * {@link Arena#global()} and is never unloaded: OpenMP threads it starts outlive any call.
 */
final class NativeLibrary {
    static final String RESOURCE = "/native/linux-x86_64/libfaiss_shim.so";

    private NativeLibrary() {}

    static SymbolLookup load() {
        Path path = locate();
        try {
            return SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new FaissException("load FAISS shim", path + ": " + e.getMessage()
                    + " (are libopenblas0/libgomp1 installed? run: make deps)", e);
        }
    }

    private static Path locate() {
        String override = System.getProperty("faiss.shim");
        if (override != null && !override.isBlank()) return Path.of(override);
        URL url = NativeLibrary.class.getResource(RESOURCE);
        if (url == null) {
            throw new FaissException("load FAISS shim", "resource " + RESOURCE
                    + " is not on the class path; build faiss-native with Maven (make build)");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return extract(url);
    }

    /** Copies the library out of a jar to {@code $TMPDIR/faiss-rebuild-native/<sha256>/}, once per content. */
    private static Path extract(URL url) {
        try {
            byte[] bytes;
            try (InputStream in = url.openStream()) {
                bytes = in.readAllBytes();
            }
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "faiss-rebuild-native-" + System.getProperty("user.name"), digest);
            Path target = dir.resolve("libfaiss_shim.so");
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) return target;
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "libfaiss_shim", ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the FAISS shim from " + url, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
