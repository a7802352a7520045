package dev.faissrebuild.deployer.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.deployer.LiveExpectation;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.config.BackupKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted backups ({@code backup.encryption_key_file}) on real generations of real FAISS indices, with
 * small segments so every archive has many. Refusals are checked against the whole {@code indices/}
 * tree: not one file, link or directory may differ from before the refused restore.
 */
class EncryptedBackupTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    static final int SEG = ArchiveCipher.MIN_SEGMENT_BYTES;
    static final BackupRetention RETENTION = new BackupRetention(10, 3, Duration.ofDays(30));
    @TempDir Path dir;
    IndicesLayout layout;
    BackupKey key;
    BackupStore encrypting;
    GenerationManifest g1;

    @BeforeEach
    void setUp() throws IOException {
        layout = new IndicesLayout(dir.resolve("indices"));
        key = ArchiveCipherTest.keyFile(dir, "backup.key");
        encrypting = store(Optional.of(key));
        g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
    }

    BackupStore store(Optional<BackupKey> k) {
        return new BackupStore(layout, RETENTION, new BackupEncryption(k, SEG));
    }

    BackupStore.Backup backup(BackupStore store, String generationId) throws IOException {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: backup", Duration.ofSeconds(5))) {
            return store.create(lock, generationId, Instant.now()).backup();
        }
    }

    BackupRestore.Restored restore(BackupStore store, BackupId id) throws IOException {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: restore", Duration.ofSeconds(5))) {
            return new BackupRestore(store).restore(lock, id, LiveExpectation.any(), Instant.now());
        }
    }

    /** A second generation live, so a restore would change what is live. */
    void deployAnother() {
        TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plus(Duration.ofDays(1)), List.of(IndexKey.parse("24h/flatip")), 2);
    }

    @Test
    void anEncryptedBackupRestoresWithItsKeyToIdenticalFiles() throws Exception {
        BackupStore.Backup b = backup(encrypting, g1.generationId());

        assertThat(b.archive()).isEqualTo(layout.backups().resolve(b.id() + ".tar.gz.enc")).isRegularFile();
        assertThat(b.encrypted()).isTrue();
        assertThat(b.id().archive(layout)).isEqualTo(b.archive());
        byte[] bytes = Files.readAllBytes(b.archive());
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("FRBKENC1");
        assertThat(bytes.length).isGreaterThan(10 * SEG); // many segments
        assertThat(contains(bytes, BackupManifest.FILE_NAME.getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(contains(bytes, g1.generationId().getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(encrypting.list()).singleElement().isEqualTo(b);
        assertThat(BackupRoundTripTest.hidden(layout.backups())).isEmpty();
        deployAnother();

        BackupRestore.Restored r = restore(encrypting, b.id());

        assertThat(layout.liveGenerationId()).contains(r.generationId());
        Path g1Dir = layout.generation(g1.generationId());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(g1Dir));
        for (BackupManifest.FileEntry f : b.manifest().files()) {
            if (f.name().equals(GenerationManifest.FILE_NAME)) continue; // the restored generation has its own
            assertThat(Sha256.of(layout.generation(r.generationId()).resolve(f.name()))).as(f.name()).isEqualTo(Sha256.of(g1Dir.resolve(f.name())));
        }
    }

    @Test
    void aWrongKeyIsRefusedWithAClearMessageAndNothingIsWritten() throws Exception {
        BackupId id = backup(encrypting, g1.generationId()).id();
        deployAnother();
        BackupKey other = ArchiveCipherTest.keyFile(dir, "other.key");
        BackupStore withOther = store(Optional.of(other));
        Map<String, String> before = tree(layout.root());

        String expected = "backup archive " + id + ".tar.gz.enc was encrypted with a different key than the one in " + other.file()
                + " (key check mismatch)";
        assertThatThrownBy(() -> restore(withOther, id)).isInstanceOf(InvalidBackupException.class)
                .hasMessage(expected + "; nothing was restored, the live set is unchanged");
        assertThat(tree(layout.root())).isEqualTo(before);
        assertThat(withOther.list()).singleElement().isInstanceOfSatisfying(BackupStore.Unreadable.class, u -> {
            assertThat(u.problem()).isEqualTo(expected);
            assertThat(u.encrypted()).isTrue();
        });
    }

    /** An encrypted backup of g1 while another generation is live: its bytes and the indices tree before any damage. */
    private record Damaged(BackupId id, Path archive, byte[] whole, Map<String, String> before) {}

    private Damaged damageable() throws Exception {
        BackupId id = backup(encrypting, g1.generationId()).id();
        deployAnother();
        Path archive = id.archive(layout);
        return new Damaged(id, archive, Files.readAllBytes(archive), tree(layout.root()));
    }

    @Test
    void aFlippedByteAnywhereIsRefusedBeforeAnythingIsWritten() throws Exception {
        Damaged d = damageable();
        int seg = SEG + 16;
        int middle = d.whole().length / 2;
        for (int at : new int[] {middle, 60 + 3, d.whole().length - 1}) {
            byte[] bad = d.whole().clone();
            bad[at] ^= 0x01;
            Files.write(d.archive(), bad);
            long segment = at < 60 ? 0 : (at - 60) / seg;
            assertThatThrownBy(() -> restore(encrypting, d.id())).as("byte %d of %d", at, d.whole().length).isInstanceOf(InvalidBackupException.class)
                    .hasMessage("backup archive " + d.id() + ".tar.gz.enc failed authentication at segment " + segment
                            + ": it was altered or damaged; nothing was restored, the live set is unchanged");
            assertThat(tree(layout.root())).isEqualTo(withArchive(d.before(), d.archive()));
        }
        Files.write(d.archive(), d.whole());
        restore(encrypting, d.id()); // the intact archive still restores
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g1.generationId())));
    }

    @Test
    void aTruncatedArchiveIsRefusedBeforeAnythingIsWritten() throws Exception {
        Damaged d = damageable();
        int seg = SEG + 16;
        long n = d.whole().length;
        // in the header, at a segment's end, inside a segment, the last byte
        for (long keep : new long[] {20, 60 + 5L * seg, n / 2, n - 1}) {
            Files.write(d.archive(), Arrays.copyOf(d.whole(), (int) keep));
            assertThatThrownBy(() -> restore(encrypting, d.id())).as("cut at %d of %d", keep, n).isInstanceOf(InvalidBackupException.class)
                    .hasMessageStartingWith("backup archive " + d.id() + ".tar.gz.enc").hasMessageEndingWith("the live set is unchanged");
            assertThat(tree(layout.root())).isEqualTo(withArchive(d.before(), d.archive()));
        }
        Files.write(d.archive(), Arrays.copyOf(d.whole(), 60 + 5 * seg));
        assertThatThrownBy(() -> restore(encrypting, d.id())).hasMessageContaining("ends after segment 4, which is not its last: it was truncated");
    }

    @Test
    void withoutAKeyAnEncryptedBackupIsListedAsNeedingOne() throws Exception {
        BackupId id = backup(encrypting, g1.generationId()).id();
        BackupStore plain = new BackupStore(layout, RETENTION);
        String needsKey = "backup archive " + id + ".tar.gz.enc is encrypted and no key is configured: "
                + "set backup.encryption_key_file to the file of the key it was made with";

        assertThat(plain.list()).singleElement().isInstanceOfSatisfying(BackupStore.Unreadable.class, u -> {
            assertThat(u.problem()).isEqualTo(needsKey);
            assertThat(u.encrypted()).isTrue();
        });
        Map<String, String> before = tree(layout.root());
        assertThatThrownBy(() -> restore(plain, id)).isInstanceOf(InvalidBackupException.class).hasMessageStartingWith(needsKey);
        assertThat(tree(layout.root())).isEqualTo(before);
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test", Duration.ofSeconds(5))) {
            assertThat(plain.applyRetention(lock, Instant.now().plus(Duration.ofDays(3650)))).isEmpty(); // unreadable: left alone
        }
        assertThat(id.archive(layout)).isRegularFile();
    }

    @Test
    void plainBackupsFromBeforeTheKeyStayReadableBesideEncryptedOnes() throws Exception {
        BackupStore.Backup plain = backup(new BackupStore(layout, RETENTION), g1.generationId());
        deployAnother();
        String g2 = layout.liveGenerationId().orElseThrow();
        BackupStore.Backup sealed = backup(encrypting, g2);

        assertThat(plain.archive().getFileName().toString()).endsWith(".tar.gz").doesNotEndWith(".enc");
        assertThat(encrypting.list()).containsExactly(plain, sealed);
        assertThat(encrypting.list()).extracting(BackupStore.Listing::encrypted).containsExactly(false, true);

        restore(encrypting, plain.id());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g1.generationId())));
        restore(encrypting, sealed.id());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g2)));
    }

    /** Every path under {@code root}: a file's sha256, a link's target, a directory; not the lock file, which names its last holder. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.equals(".lock")) continue;
                if (Files.isSymbolicLink(p)) out.put(rel, "-> " + Files.readSymbolicLink(p));
                else if (Files.isDirectory(p)) out.put(rel, "dir");
                else out.put(rel, Sha256.of(p));
            }
        }
        return out;
    }

    /** {@code tree} with the archive as it is now: the test itself damaged it. */
    private static Map<String, String> withArchive(Map<String, String> tree, Path archive) throws IOException {
        Map<String, String> out = new TreeMap<>(tree);
        out.put(archive.getParent().getParent().relativize(archive).toString(), Sha256.of(archive));
        return out;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
