package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.deployer.backup.Archives;
import dev.faissrebuild.deployer.testing.ChildLockHolder;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup create | list | restore, as an operator types them, on real generations of real FAISS indices. */
class BackupCommandsTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;
    IndicesLayout layout;
    GenerationManifest g1;

    @BeforeEach
    void setUp() {
        layout = new IndicesLayout(dir.resolve("indices"));
        g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
    }

    CliRun cli(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dir.toString();
        return CliRun.run(stdin, all);
    }

    String createBackup() throws Exception {
        CliRun create = cli("", "backup", "create");
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("created: generation " + g1.generationId() + ", 9 files");
        JsonNode list = new ObjectMapper().readTree(cli("", "backup", "list", "--json").out());
        return list.get(list.size() - 1).get("backup_id").asText();
    }

    @Test
    void createListRestore() throws Exception {
        String id = createBackup();
        JsonNode listed = new ObjectMapper().readTree(cli("", "backup", "list", "--json").out()).get(0);
        assertThat(listed.get("source_generation_id").asText()).isEqualTo(g1.generationId());
        assertThat(listed.get("files").asInt()).isEqualTo(9);
        assertThat(listed.get("total_size_mb").asDouble()).isPositive();
        assertThat(listed.get("live").asBoolean()).isTrue();
        assertThat(listed.get("problem").isNull()).isTrue();
        CliRun text = cli("", "backup", "list");
        assertThat(text.out()).contains("backup").contains("archive MB").contains(id).contains("of the live generation");

        GenerationManifest g2 = TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400),
                List.of(IndexKey.parse("12h/ivfpq")), 2);
        CliRun restore = cli("y\n", "backup", "restore", "--backup-id", id);

        assertThat(restore.code()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("Restore backup " + id + " (generation " + g1.generationId() + ", 8 index files, ")
                .contains("over live generation " + g2.generationId() + "? [y/N]")
                .contains("restored backup " + id + " as generation ").contains("(replacing " + g2.generationId() + ")")
                .contains("note: Kafka is not reachable, so no RolledBack event was published");
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g1.generationId())));
        assertThat(layout.liveGenerationId().orElseThrow()).contains("-restored-" + id);
    }

    /** A configuration whose backups are encrypted with a fresh key file (mode 600) in the data directory. */
    Path keyConfig(String keyName) throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Path k = Files.writeString(dir.resolve(keyName), java.util.HexFormat.of().formatHex(key) + "\n");
        Files.setPosixFilePermissions(k, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return Files.writeString(dir.resolve(keyName + ".json"), "{\"backup\": {\"encryption_key_file\": \"" + keyName + "\"}}");
    }

    @Test
    void anEncryptedBackupRestoresWithItsKeyAndIsRefusedWithAnother() throws Exception {
        Path config = keyConfig("backup.key");
        CliRun create = cli("", "backup", "create", "--config", config.toString());
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("created: generation " + g1.generationId()).contains(", encrypted)").contains(".tar.gz.enc");
        JsonNode listed = new ObjectMapper().readTree(cli("", "backup", "list", "--json", "--config", config.toString()).out()).get(0);
        String id = listed.get("backup_id").asText();
        assertThat(listed.get("encrypted").asBoolean()).isTrue();
        assertThat(listed.get("source_generation_id").asText()).isEqualTo(g1.generationId());
        assertThat(cli("", "backup", "list", "--config", config.toString()).out()).contains("encrypted").contains(id + " ");

        CliRun noKey = cli("", "backup", "list");
        assertThat(noKey.out()).contains("UNREADABLE: backup archive " + id + ".tar.gz.enc is encrypted and no key is configured: "
                + "set backup.encryption_key_file");
        GenerationManifest g2 = TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400),
                List.of(IndexKey.parse("12h/ivfpq")), 2);
        Map<String, String> before = TestGenerations.liveChecksums(layout);
        Path other = keyConfig("other.key");
        CliRun wrong = cli("", "backup", "restore", "--backup-id", id, "--force", "--config", other.toString());
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.errorLines()).contains("was encrypted with a different key than the one in " + dir.resolve("other.key").toAbsolutePath()
                + " (key check mismatch)").doesNotContain("\tat "); // refused on reading the manifest, before the confirmation
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);
        assertThat(layout.liveGenerationId()).contains(g2.generationId());

        CliRun restore = cli("", "backup", "restore", "--backup-id", id + ".tar.gz.enc", "--force", "--config", config.toString());
        assertThat(restore.code()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("restored backup " + id + " as generation ");
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g1.generationId())));
    }

    @Test
    void restoreAsksAndDoesNothingWithoutAYes() throws Exception {
        String id = createBackup();
        TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400), List.of(IndexKey.parse("12h/ivfpq")), 2);
        Map<String, String> before = TestGenerations.liveChecksums(layout);

        CliRun no = cli("n\n", "backup", "restore", "--backup-id", id);
        assertThat(no.code()).isEqualTo(1);
        assertThat(no.errorLines()).contains("faiss-rebuild backup restore: not confirmed (answer 'n'): nothing was done");
        CliRun silent = cli("", "backup", "restore", "--backup-id", id); // no terminal, no answer
        assertThat(silent.code()).isEqualTo(1);
        assertThat(silent.errorLines()).contains("no answer on standard input (no terminal?): nothing was done; add --force");
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);

        CliRun forced = cli("", "backup", "restore", "--backup-id", id + ".tar.gz", "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.out()).doesNotContain("[y/N]");
    }

    @Test
    void badIdsTamperedArchivesAndMissingBackupsAreOneReadableLine() throws Exception {
        String id = createBackup();
        Map<String, String> before = TestGenerations.liveChecksums(layout);

        CliRun escape = cli("", "backup", "restore", "--backup-id", "../../etc/passwd", "--force");
        assertThat(escape.code()).isEqualTo(1);
        assertThat(escape.errorLines()).isEqualTo("faiss-rebuild backup restore: backup id '../../etc/passwd' is not valid: an id is a single "
                + "name such as b20261124T193501Z-a1b2c3 (see 'faiss-rebuild backup list'), with no path separators and no '..'\n");

        CliRun missing = cli("", "backup", "restore", "--backup-id", "b20990101T000000Z-none", "--force");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.errorLines()).contains("there is no backup 'b20990101T000000Z-none'").doesNotContain("\tat ");

        Archives.flipOneByte(layout.backups().resolve(id + ".tar.gz"), "faiss_48h_flatip.faiss", 1000);
        CliRun tampered = cli("", "backup", "restore", "--backup-id", id, "--force");
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.errorLines()).contains("faiss_48h_flatip.faiss has sha256").contains("the live set is unchanged").doesNotContain("\tat ");
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);
    }

    @Test
    void restoreIntoAnIndicesDirectoryWithNothingLive() throws Exception {
        String id = createBackup();
        Files.delete(layout.current());
        for (IndexKey k : TestGenerations.KEYS) Files.delete(layout.liveFile(k));
        GenerationStore.deleteTree(layout.generations());

        CliRun restore = cli("y\n", "backup", "restore", "--backup-id", id);
        assertThat(restore.code()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("over live generation none?").contains("(replacing nothing)");
        assertThat(TestGenerations.liveChecksums(layout).values()).doesNotContain("missing");
        assertThat(cli("", "backup", "create").out()).contains("created: generation " + layout.liveGenerationId().orElseThrow());
    }

    @Test
    void aRestoreDuringADeployWaitsThenRefusesNamingTheHolder() throws Exception {
        String id = createBackup();
        String live = layout.liveGenerationId().orElseThrow();
        try (ChildLockHolder deploy = ChildLockHolder.start(layout.root(), "deployer: deploy rebuild r20250601T030000Z-held00", 30)) {
            long t0 = System.nanoTime();
            CliRun r = cli("", "backup", "restore", "--backup-id", id, "--force", "--lock-wait", "2");
            assertThat((System.nanoTime() - t0) / 1e9).isGreaterThanOrEqualTo(1.9);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.errorLines()).startsWith("faiss-rebuild backup restore: indices are locked by another operation "
                    + "(deployer: deploy rebuild r20250601T030000Z-held00, pid ").contains("waited 2 s").doesNotContain("\tat ");
        }
        assertThat(layout.liveGenerationId()).contains(live);
    }
}
