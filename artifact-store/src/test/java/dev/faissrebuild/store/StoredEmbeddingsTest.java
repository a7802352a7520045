package dev.faissrebuild.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.store.testing.S3Testing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Embeddings in object storage, as an upstream puts them (plain PUTs with x-amz-meta-sha256), read through the local cache. */
class StoredEmbeddingsTest {
    static final String BUCKET = "weather";
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret-key").build();
    @TempDir Path dir;

    @Test
    void downloadedOnceVerifiedAndAgainOnlyWhenTheStoredSha256Changes() throws Exception {
        try (S3Client s3 = S3Testing.client(S3); StoredEmbeddings e = embeddings(s3)) {
            put(s3, "embeddings_24h.npy", "first version".getBytes(), null);
            Path cached = e.fetch("embeddings_24h.npy");
            assertThat(Files.readString(cached)).isEqualTo("first version");
            Object inode = Files.readAttributes(cached, BasicFileAttributes.class).fileKey();
            assertThat(Files.readAttributes(e.fetch("embeddings_24h.npy"), BasicFileAttributes.class).fileKey()).as("not downloaded again").isEqualTo(inode);

            put(s3, "embeddings_24h.npy", "second version".getBytes(), null);
            assertThat(Files.readString(e.fetch("embeddings_24h.npy"))).isEqualTo("second version");
            assertThat(e.sha256("embeddings_24h.npy")).contains(sha("second version".getBytes()));

            put(s3, "embeddings_24h.npy", "third, corrupted".getBytes(), sha("third version".getBytes()));
            assertThatThrownBy(() -> e.fetch("embeddings_24h.npy")).isInstanceOf(ChecksumMismatchException.class)
                    .hasMessageContaining("embeddings_24h.npy has sha256 " + sha("third, corrupted".getBytes()));
            assertThat(Files.readString(cached)).as("the cached copy is left as it was").isEqualTo("second version");
        }
    }

    @Test
    void anObjectWithoutItsSha256OrNoObjectIsRefusedSayingWhatToDo() throws Exception {
        try (S3Client s3 = S3Testing.client(S3); StoredEmbeddings e = embeddings(s3)) {
            s3.putObject(r -> r.bucket(BUCKET).key("current/embeddings_6h.npy"), RequestBody.fromBytes(new byte[] {1, 2, 3}));
            assertThatThrownBy(() -> e.fetch("embeddings_6h.npy"))
                    .hasMessageContaining("s3://weather/current/embeddings_6h.npy carries no sha256 metadata: upload it with x-amz-meta-sha256");
            assertThatThrownBy(() -> e.fetch("embeddings_48h.npy")).isInstanceOf(java.nio.file.NoSuchFileException.class)
                    .hasMessageContaining("s3://weather/current/embeddings_48h.npy");
        }
    }

    private StoredEmbeddings embeddings(S3Client s3) throws Exception {
        s3.createBucket(r -> r.bucket(BUCKET));
        return new StoredEmbeddings(ArtifactStore.open("s3://" + BUCKET + "/current",
                S3Testing.settings(S3)), dir.resolve("cache"));
    }

    /** As an upstream would: a plain PUT with the sha256 of the bytes in the metadata ({@code claimed} to lie about them). */
    private static void put(S3Client s3, String name, byte[] bytes, String claimed) {
        s3.putObject(r -> r.bucket(BUCKET).key("current/" + name).metadata(Map.of("sha256", claimed != null ? claimed : sha(bytes))), RequestBody.fromBytes(bytes));
    }

    private static String sha(byte[] bytes) {
        try {
            Path f = Files.createTempFile("sha", ".bin");
            Files.write(f, bytes);
            String s = Sha256.of(f);
            Files.delete(f);
            return s;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
