package dev.faissrebuild.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every store does, run against each implementation: a real directory, a real S3 server. */
abstract class ArtifactStoreContract {
    @TempDir Path dir;

    abstract ArtifactStore store() throws Exception;

    /** Replaces the object's bytes in the store behind its back, keeping the sha256 it was stored with (bit rot, a bad copy). */
    abstract void corrupt(String key, byte[] bytes) throws Exception;

    static Path file(Path p, long bytes, long seed) throws IOException {
        Files.createDirectories(p.getParent());
        byte[] block = new byte[1 << 20];
        Random r = new Random(seed);
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long left = bytes; left > 0; left -= block.length) {
                r.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return p;
    }

    @Test
    void anObjectComesBackWithTheSameBytesAndItsSha256() throws Exception {
        Path src = file(dir.resolve("src/faiss_6h_flatip.faiss"), 300_000, 1);
        String sha = Sha256.of(src);
        try (ArtifactStore s = store()) {
            assertThat(s.put("staging/r1/faiss_6h_flatip.faiss", src, sha)).isEqualTo(new ArtifactStore.StoredObject("staging/r1/faiss_6h_flatip.faiss", 300_000, sha));
            ArtifactStore.StoredObject got = s.get("staging/r1/faiss_6h_flatip.faiss", dir.resolve("host-a/faiss_6h_flatip.faiss"));
            assertThat(got.sha256()).isEqualTo(sha);
            assertThat(Files.mismatch(src, dir.resolve("host-a/faiss_6h_flatip.faiss"))).isEqualTo(-1);
            assertThat(s.stat("staging/r1/faiss_6h_flatip.faiss")).contains(got);
            assertThat(s.stat("staging/r1/nothing.faiss")).isEmpty();
        }
    }

    @Test
    void aFileLargerThanOnePutGoesInPartsAndComesBackWhole() throws Exception {
        Path src = file(dir.resolve("src/big.faiss"), S3ArtifactStore.SINGLE_PUT_MAX + 3 * S3ArtifactStore.PART_BYTES / 2, 2);
        String sha = Sha256.of(src);
        try (ArtifactStore s = store()) {
            s.put("generations/g1/big.faiss", src, sha);
            assertThat(s.get("generations/g1/big.faiss", dir.resolve("back/big.faiss")).sha256()).isEqualTo(sha);
            assertThat(Files.size(dir.resolve("back/big.faiss"))).isEqualTo(Files.size(src));
        }
    }

    @Test
    void aCorruptedObjectIsRefusedByChecksumAndNothingIsLeftBehind() throws Exception {
        Path src = file(dir.resolve("src/a.faiss"), 100_000, 3);
        Path dest = dir.resolve("host-a/a.faiss");
        Files.createDirectories(dest.getParent());
        Files.writeString(dest, "the old generation's file");
        try (ArtifactStore s = store()) {
            String sha = Sha256.of(src);
            s.put("generations/g2/a.faiss", src, sha);
            byte[] bad = Files.readAllBytes(src);
            bad[50_000] ^= 1;
            corrupt("generations/g2/a.faiss", bad);
            assertThatThrownBy(() -> s.get("generations/g2/a.faiss", dest)).isInstanceOf(ChecksumMismatchException.class)
                    .hasMessageContaining("generations/g2/a.faiss has sha256 " + Sha256.hex(digestOf(bad)))
                    .hasMessageContaining("was stored with " + sha + ": refused");
        }
        assertThat(Files.readString(dest)).isEqualTo("the old generation's file");
        try (var left = Files.list(dest.getParent())) {
            assertThat(left).containsExactly(dest); // no partial download
        }
    }

    @Test
    void listingsAreByPrefixSortedAndAMissingObjectIsNamed() throws Exception {
        Path src = file(dir.resolve("src/x"), 1_000, 4);
        String sha = Sha256.of(src);
        try (ArtifactStore s = store()) {
            for (String k : new String[] {"generations/g2/b", "generations/g1/a", "generations/g2/a", "staging/r1/a"}) s.put(k, src, sha);
            assertThat(s.list("generations/g2/")).extracting(ArtifactStore.StoredObject::key).containsExactly("generations/g2/a", "generations/g2/b");
            s.delete("generations/g2/a");
            assertThat(s.list("generations/")).extracting(ArtifactStore.StoredObject::key).containsExactly("generations/g1/a", "generations/g2/b");
            assertThat(s.keys("generations/")).as("the listing alone").containsExactly("generations/g1/a", "generations/g2/b");
            assertThat(s.keys("gen")).containsExactly("generations/g1/a", "generations/g2/b");
            assertThat(s.keys("staging/r9/")).isEmpty();
            assertThatThrownBy(() -> s.get("generations/g2/a", dir.resolve("y"))).isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining(s.describe() + "/generations/g2/a");
            assertThatThrownBy(() -> s.put("../outside", src, sha)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
        }
    }

    private static java.security.MessageDigest digestOf(byte[] bytes) {
        java.security.MessageDigest d = Sha256.digest();
        d.update(bytes);
        return d;
    }
}
