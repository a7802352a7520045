package dev.faissrebuild.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup.encryption_key_file: the three spellings of a key accepted, every other file refused by the loader, naming the file, never showing its bytes. */
class BackupKeyConfigTest {
    @TempDir Path dir;
    byte[] raw = new byte[32];

    @BeforeEach
    void setUp() {
        new SecureRandom().nextBytes(raw);
        raw[0] = (byte) 0x80; // not all printable
    }

    Path keyFile(String name, byte[] content, String mode) throws Exception {
        Path f = Files.write(dir.resolve(name), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    FaissRebuildConfig load(String keyFile) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"backup\": {\"encryption_key_file\": \"" + keyFile + "\"}}");
        return ConfigLoader.load(config, dir);
    }

    @Test
    void noKeyFileByDefault() {
        FaissRebuildConfig c = ConfigLoader.defaults();
        assertThat(c.backup().encryptionKeyFile()).isEmpty();
        assertThat(BackupKey.of(c)).isEmpty();
    }

    @Test
    void rawHexAndBase64KeysAreTheSameKeyAndARelativePathIsUnderTheDataDir() throws Exception {
        keyFile("raw.key", raw, "rw-------");
        keyFile("hex.key", ("  " + HexFormat.of().formatHex(raw) + "\n").getBytes(StandardCharsets.US_ASCII), "rw-r-----");
        keyFile("b64.key", (Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII), "r--------");
        for (String name : new String[] {"raw.key", "hex.key", "b64.key"}) {
            BackupKey k = BackupKey.of(load(name)).orElseThrow();
            assertThat(k.bytes()).as(name).isEqualTo(raw);
            assertThat(k.file()).isEqualTo(dir.toAbsolutePath().resolve(name));
            assertThat(k.toString()).doesNotContain(HexFormat.of().formatHex(raw));
        }
        assertThat(BackupKey.of(load(dir.resolve("raw.key").toString())).orElseThrow().bytes()).isEqualTo(raw); // absolute too
    }

    @Test
    void aKeyFileThatIsNotA256BitKeyIsRefusedNamingTheFileAndWhatWasExpected() throws Exception {
        String hex = HexFormat.of().formatHex(raw);
        keyFile("short.key", java.util.Arrays.copyOf(raw, 31), "rw-------");
        keyFile("hex-short.key", hex.substring(2).getBytes(StandardCharsets.US_ASCII), "rw-------");
        keyFile("passphrase.key", "correct horse battery staple 123".getBytes(StandardCharsets.US_ASCII), "rw-------");
        for (String name : new String[] {"short.key", "hex-short.key", "passphrase.key"}) {
            Path file = dir.toAbsolutePath().resolve(name);
            assertThatThrownBy(() -> load(name)).as(name).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("backup.encryption_key_file = \"" + name + "\": " + file + " holds ")
                    .hasMessageContaining("bytes that are not a 256-bit key: exactly 32 random bytes, 64 hex digits or the base64 of 32 bytes")
                    .hasMessageContaining("head -c 32 /dev/urandom")
                    .hasMessageNotContaining(hex.substring(2, 20)).hasMessageNotContaining("horse");
        }
        assertThatThrownBy(() -> load("absent.key")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("backup.encryption_key_file = \"absent.key\": cannot read " + dir.toAbsolutePath().resolve("absent.key")
                        + " (no such file); expected a file holding a 256-bit key");
    }

    @Test
    void aKeyFileOthersMayReadOrWriteIsRefused() throws Exception {
        keyFile("world.key", raw, "rw-r--r--");
        keyFile("writable.key", raw, "rw-----w-");
        assertThatThrownBy(() -> load("world.key")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("backup.encryption_key_file = \"world.key\": " + dir.toAbsolutePath().resolve("world.key")
                        + " may be read by any user of this host; expected a file only its owner (and group) can access: chmod 600");
        assertThatThrownBy(() -> load("writable.key")).isInstanceOf(ConfigException.class).hasMessageContaining("may be written by any user");
    }
}
