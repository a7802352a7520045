package dev.faissrebuild.store;

import java.util.Map;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 store against S3Proxy: a real S3 protocol server (signatures, multipart, metadata) started in-process on loopback. */
class S3ArtifactStoreTest extends ArtifactStoreContract {
    static final String BUCKET = "faiss-artifacts";
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret-key").build();

    S3Client raw() {
        return S3Client.builder().endpointOverride(S3.getUri()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED) // S3Proxy refuses the SDK's default trailing CRC32
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3.getAccessKey(), S3.getSecretKey()))).build();
    }

    @BeforeEach
    void bucket() {
        try (S3Client s3 = raw()) {
            s3.createBucket(r -> r.bucket(BUCKET));
        }
    }

    @Override
    ArtifactStore store() throws Exception {
        return ArtifactStore.open("s3://" + BUCKET + "/site-a", new S3ArtifactStore.Settings(S3.getUri(), "us-east-1", S3.getAccessKey(), S3.getSecretKey()));
    }

    @Override
    void corrupt(String key, byte[] bytes) {
        try (S3Client s3 = raw()) {
            String name = "site-a/" + key;
            String sha = s3.headObject(r -> r.bucket(BUCKET).key(name)).metadata().get("sha256");
            s3.putObject(r -> r.bucket(BUCKET).key(name).metadata(Map.of("sha256", sha)), RequestBody.fromBytes(bytes));
        }
    }
}
