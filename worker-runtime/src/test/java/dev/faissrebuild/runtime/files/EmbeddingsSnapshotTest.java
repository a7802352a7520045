package dev.faissrebuild.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder hashes the embeddings once; a validator takes that checksum only while the file is the very one it hashed. */
class EmbeddingsSnapshotTest {
    @TempDir Path dir;

    @Test
    void theBuildersChecksumIsTakenOnlyWhileTheFileIsUnchanged() throws Exception {
        Path file = Files.write(dir.resolve("embeddings_6h.npy"), new byte[] {1, 2, 3, 4});
        EmbeddingsSnapshot built = EmbeddingsSnapshot.unhashed(dir, file);
        assertThat(built.sha256()).as("not hashed").isNull();
        String identity = built.identity();
        assertThat(identity).contains("boot=").contains("ino=").contains("size=4");
        String recorded = "f".repeat(64); // not the file's real checksum: taking it proves nothing was hashed

        assertThat(EmbeddingsSnapshot.take(dir, file, recorded, identity).sha256()).isEqualTo(recorded);

        Files.setLastModifiedTime(file, FileTime.fromMillis(built.modifiedMillis() + 5_000)); // touched: same bytes, new state
        assertThat(EmbeddingsSnapshot.take(dir, file, recorded, identity).sha256()).isEqualTo(Sha256.of(file));
        assertThat(EmbeddingsSnapshot.take(dir, file, recorded, null).sha256()).as("no identity recorded").isEqualTo(Sha256.of(file));

        Path replaced = Files.write(dir.resolve("new.npy"), new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(replaced, FileTime.fromMillis(built.modifiedMillis()));
        Files.move(replaced, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertThat(EmbeddingsSnapshot.unhashed(dir, file).identity()).as("another inode, same size and time").isNotEqualTo(identity);
    }
}
