package dev.faissrebuild.store;

import dev.faissrebuild.store.testing.S3Testing;
import java.util.Map;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 store against S3Proxy: a real S3 protocol server (signatures, multipart, metadata) started in-process on loopback. */
class S3ArtifactStoreTest extends ArtifactStoreContract {
    static final String BUCKET = "faiss-artifacts";
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret-key").build();


    @BeforeEach
    void bucket() {
        try (S3Client s3 = S3Testing.client(S3)) {
            s3.createBucket(r -> r.bucket(BUCKET));
        }
    }

    @Override
    ArtifactStore store() throws Exception {
        return ArtifactStore.open("s3://" + BUCKET + "/site-a", S3Testing.settings(S3));
    }

    @Override
    void corrupt(String key, byte[] bytes) {
        try (S3Client s3 = S3Testing.client(S3)) {
            String name = "site-a/" + key;
            String sha = s3.headObject(r -> r.bucket(BUCKET).key(name)).metadata().get("sha256");
            s3.putObject(r -> r.bucket(BUCKET).key(name).metadata(Map.of("sha256", sha)), RequestBody.fromBytes(bytes));
        }
    }
}
