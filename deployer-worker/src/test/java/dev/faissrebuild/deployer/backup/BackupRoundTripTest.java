package dev.faissrebuild.deployer.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.LiveExpectation;
import dev.faissrebuild.deployer.OperationRefused;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.testing.PythonFaiss;
import dev.faissrebuild.vectors.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRoundTripTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;
    IndicesLayout layout;
    BackupStore store;
    BackupRestore restore;

    @BeforeEach
    void setUp() {
        layout = new IndicesLayout(dir.resolve("indices"));
        store = new BackupStore(layout, new BackupRetention(10, 3, Duration.ofDays(30)));
        restore = new BackupRestore(store);
    }

    BackupStore.Created backup(String generationId) throws IOException {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: backup", Duration.ofSeconds(5))) {
            return store.create(lock, generationId, Instant.now());
        }
    }

    BackupRestore.Restored restore(BackupId id) throws IOException {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: restore", Duration.ofSeconds(5))) {
            return restore.restore(lock, id, LiveExpectation.any(), Instant.now());
        }
    }

    @Test
    void createListRestoreRoundTrip() throws Exception {
        GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        BackupStore.Created created = backup(g1.generationId());

        BackupManifest m = created.backup().manifest();
        assertThat(m.backupId()).matches("b\\d{8}T\\d{6}Z-aaaaaa").isEqualTo(created.backup().id().value());
        assertThat(created.backup().archive()).isEqualTo(layout.backups().resolve(m.backupId() + ".tar.gz")).isRegularFile();
        assertThat(m.sourceGenerationId()).isEqualTo(g1.generationId());
        assertThat(m.files()).hasSize(9);
        Path g1Dir = layout.generation(g1.generationId());
        for (BackupManifest.FileEntry f : m.files()) {
            assertThat(f.sha256()).as(f.name()).isEqualTo(Sha256.of(g1Dir.resolve(f.name())));
            assertThat(f.sizeBytes()).isEqualTo(Files.size(g1Dir.resolve(f.name())));
        }
        assertThat(m.totalSizeBytes()).isEqualTo(m.files().stream().mapToLong(BackupManifest.FileEntry::sizeBytes).sum());
        assertThat(m.totalSizeMb()).isCloseTo(m.totalSizeBytes() / 1e6, offset(0.001));
        assertThat(hidden(layout.backups())).isEmpty();
        assertThat(store.list()).singleElement().isEqualTo(created.backup());

        GenerationManifest g2 = TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plus(Duration.ofDays(1)),
                List.of(IndexKey.parse("24h/flatip"), IndexKey.parse("48h/ivfpq")), 2);
        assertThat(TestGenerations.liveChecksums(layout)).isNotEqualTo(TestGenerations.checksums(g1Dir));

        BackupRestore.Restored r = restore(created.backup().id());

        assertThat(r.generationId()).startsWith("g").endsWith("-restored-" + m.backupId());
        assertThat(r.previousLive()).contains(g2.generationId());
        assertThat(r.sourceGenerationId()).isEqualTo(g1.generationId());
        assertThat(layout.liveGenerationId()).contains(r.generationId());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(g1Dir));
        GenerationManifest restored = layout.liveManifest().orElseThrow();
        assertThat(restored.previousGenerationId()).isEqualTo(g2.generationId());
        assertThat(restored.trigger()).isEqualTo("RESTORE");
        assertThat(restored.rebuildId()).isEqualTo(g1.rebuildId());
        assertThat(restored.files()).allSatisfy(e -> {
            assertThat(e.rebuilt()).isFalse();
            assertThat(e.sha256()).isEqualTo(g1.entry(e.indexKey()).orElseThrow().sha256());
        });
        assertThat(layout.generation(g2.generationId())).isDirectory(); // the replaced generation stays, for a rollback
        assertThat(hidden(layout.backups())).isEmpty();
        assertThat(hidden(layout.generations())).isEmpty();
        assertThat(r.event().getFromGenerationId()).isEqualTo(g2.generationId());
        assertThat(r.event().getToGenerationId()).isEqualTo(r.generationId());
        assertThat(r.event().getAutomatic()).isFalse();

        // a Python consumer opening the fixed path gets exactly what the backed-up generation answered
        Path queries = dir.resolve("q.npy");
        NpyWriter.write(queries, TestGenerations.vectors(5, 99), TestGenerations.DIM);
        IndexKey key = IndexKey.parse("24h/ivfpq");
        JsonNode live = PythonFaiss.run("search", layout.liveFile(key).toString(), queries.toString(), "5");
        JsonNode original = PythonFaiss.run("search", g1Dir.resolve(key.fileName()).toString(), queries.toString(), "5");
        assertThat(live.get("ids")).isEqualTo(original.get("ids"));
        assertThat(live.get("ntotal").asLong()).isEqualTo(g1.entry(key.toString()).orElseThrow().ntotal());
    }

    /** The stored-block archive is still a .tar.gz to GNU tar and gunzip: an operator can open it without us. */
    @Test
    void gnuTarExtractsTheArchiveWithTheSameBytes() throws Exception {
        GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        Path archive = backup(g1.generationId()).backup().archive();
        Path out = Files.createDirectories(dir.resolve("untarred"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", out.toString()).redirectErrorStream(true).start();
        String said = new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(said).isZero();
        Path g1Dir = layout.generation(g1.generationId());
        for (GenerationManifest.Entry e : g1.files()) {
            assertThat(Sha256.of(out.resolve(e.fileName()))).as(e.fileName()).isEqualTo(Sha256.of(g1Dir.resolve(e.fileName())));
        }
        assertThat(out.resolve(BackupManifest.FILE_NAME)).isRegularFile();
    }

    @Test
    void tamperedArchiveIsRefusedAndTheLiveSetStaysAsItWas() throws Exception {
        GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        BackupId id = backup(g1.generationId()).backup().id();
        TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plus(Duration.ofDays(1)), List.of(IndexKey.parse("24h/flatip")), 2);
        Map<String, String> before = TestGenerations.liveChecksums(layout);
        String liveBefore = layout.liveGenerationId().orElseThrow();
        List<String> generationsBefore = generationIds();

        Archives.flipOneByte(id.archive(layout), "faiss_24h_ivfpq.faiss", 200);

        assertThatThrownBy(() -> restore(id)).isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("faiss_24h_ivfpq.faiss has sha256").hasMessageContaining("the backup manifest says")
                .hasMessageContaining("the live set is unchanged");
        assertThat(layout.liveGenerationId()).contains(liveBefore);
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);
        assertThat(generationIds()).isEqualTo(generationsBefore);
        assertThat(hidden(layout.backups())).isEmpty();
        assertThat(hidden(layout.generations())).isEmpty();
    }

    @Test
    void truncatedArchiveIsRefusedAndTheLiveSetStaysAsItWas() throws Exception {
        GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        BackupId id = backup(g1.generationId()).backup().id();
        TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plus(Duration.ofDays(1)), List.of(IndexKey.parse("6h/flatip")), 2);
        Map<String, String> before = TestGenerations.liveChecksums(layout);
        List<String> generationsBefore = generationIds();
        Path archive = id.archive(layout);
        byte[] whole = Files.readAllBytes(archive);
        long n = whole.length;
        // inside the manifest, inside the files, and only gzip's 8-byte trailer (every file's bytes intact)
        for (long keep : new long[] {10, n / 10, n / 2, n * 9 / 10, n - 8, n - 1}) {
            Files.write(archive, whole);
            Archives.truncate(archive, keep);
            assertThatThrownBy(() -> restore(id)).as("cut at %d of %d", keep, n).isInstanceOf(InvalidBackupException.class)
                    .hasMessageContaining("backup archive " + id + ".tar.gz");
            assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);
            assertThat(generationIds()).isEqualTo(generationsBefore);
            assertThat(hidden(layout.backups())).isEmpty();
        }
        Files.write(archive, whole);
        restore(id); // the intact archive still restores
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g1.generationId())));
    }

    @Test
    void idsThatWouldLeaveTheBackupsDirectoryAreRefused() throws Exception {
        for (String bad : List.of("../x", "../../etc/passwd", "a/b", "..", "", "/etc/passwd", ".hidden", "b1/../../x")) {
            assertThatThrownBy(() -> BackupId.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not valid").hasMessageContaining("no path separators and no '..'");
        }
        assertThat(BackupId.parse("b20250601T020000Z-aaaaaa.tar.gz").value()).isEqualTo("b20250601T020000Z-aaaaaa");

        Path outside = Files.writeString(dir.resolve("outside.tar.gz"), "not yours");
        Files.createDirectories(layout.backups());
        Files.createSymbolicLink(layout.backups().resolve("evil.tar.gz"), outside);
        assertThatThrownBy(() -> BackupId.parse("evil").archive(layout)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leads outside");
    }

    @Test
    void restoresWhenIndicesHasNoCurrentAndNoGenerations() throws Exception {
        GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        BackupStore.Created created = backup(g1.generationId());
        // the live directory is gone: no current, no generations, no fixed links, no staging
        Files.delete(layout.current());
        for (IndexKey k : TestGenerations.KEYS) Files.delete(layout.liveFile(k));
        GenerationStore.deleteTree(layout.generations());
        GenerationStore.deleteTree(layout.staging());

        BackupRestore.Restored r = restore(created.backup().id());

        assertThat(r.previousLive()).isEmpty();
        assertThat(r.event().getFromGenerationId()).isEqualTo("none");
        assertThat(layout.liveGenerationId()).contains(r.generationId());
        for (IndexKey k : TestGenerations.KEYS) {
            try (Index index = Index.read(layout.liveFile(k))) {
                assertThat(index.ntotal()).isEqualTo(g1.entry(k.toString()).orElseThrow().ntotal());
            }
            assertThat(Sha256.of(layout.liveFile(k))).isEqualTo(created.backup().manifest().file(k.fileName()).orElseThrow().sha256());
        }
        assertThat(layout.liveManifest().orElseThrow().previousGenerationId()).isNull();
    }

    @Test
    void backupsMayLiveOnAnotherFileSystem() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(dir)), "needs /dev/shm on another file system");
        Path elsewhere = Files.createTempDirectory(shm, "faiss-backups-");
        try {
            Files.createDirectories(layout.root());
            Files.createSymbolicLink(layout.backups(), elsewhere);
            GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
            BackupId id = backup(g1.generationId()).backup().id();
            assertThat(elsewhere.resolve(id + ".tar.gz")).isRegularFile();
            TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400), List.of(IndexKey.parse("6h/flatip")), 2);

            restore(id); // unpacked beside the generations: the hard links into the new generation stay on one file system

            assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g1.generationId())));
        } finally {
            GenerationStore.deleteTree(elsewhere);
        }
    }

    @Test
    void indexFilesThatDoNotHoldWhatTheManifestSaysAreRefused() throws Exception {
        GenerationManifest good = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        // a generation whose manifest (checksums right) claims 999 vectors for one index
        Path gDir = layout.generation(good.generationId());
        String lyingId = "g20250601T030000Z-lying";
        List<GenerationManifest.Entry> entries = good.files().stream().map(e -> e.indexKey().equals("12h/flatip")
                ? new GenerationManifest.Entry(e.indexKey(), e.fileName(), e.sha256(), e.sizeBytes(), e.dimension(), 999, e.factory(),
                e.metric(), e.nlist(), e.nprobe(), e.recallAtK(), e.oneRecallAt1(), e.latencyP99Ms(), e.embeddingsPath(),
                e.embeddingsSha256(), e.builtInRebuild(), e.rebuilt()) : e).toList();
        new GenerationStore(layout).write(new GenerationManifest(1, lyingId, T0.plusSeconds(60), "r-lying", "MANUAL", null, entries),
                Map.copyOf(entries.stream().collect(Collectors.toMap(GenerationManifest.Entry::fileName,
                        e -> gDir.resolve(e.fileName())))));
        BackupId id = backup(lyingId).backup().id();
        Map<String, String> before = TestGenerations.liveChecksums(layout);

        assertThatThrownBy(() -> restore(id)).isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("faiss_12h_flatip.faiss holds 201 x 8, its manifest says 999 x 8");
        assertThat(layout.liveGenerationId()).contains(good.generationId());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);
    }

    @Test
    void unknownAndUnreadableBackups() throws Exception {
        TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        assertThatThrownBy(() -> restore(BackupId.parse("b20990101T000000Z-nope"))).isInstanceOf(OperationRefused.class)
                .hasMessageContaining("there is no backup 'b20990101T000000Z-nope'");
        Files.createDirectories(layout.backups());
        Files.writeString(layout.backups().resolve("b20250101T000000Z-junk.tar.gz"), "not an archive");
        assertThat(store.list()).singleElement().isInstanceOfSatisfying(BackupStore.Unreadable.class,
                u -> assertThat(u.problem()).contains("truncated or damaged"));
        assertThatThrownBy(() -> restore(BackupId.parse("b20250101T000000Z-junk"))).isInstanceOf(InvalidBackupException.class);
    }

    private List<String> generationIds() throws IOException {
        return new GenerationStore(layout).list().stream().map(GenerationManifest::generationId).toList();
    }

    static List<Path> hidden(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
