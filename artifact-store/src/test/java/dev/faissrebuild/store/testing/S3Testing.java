package dev.faissrebuild.store.testing;

import dev.faissrebuild.store.S3ArtifactStore;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** What tests do beside the store against S3Proxy: a plain SDK client (to create buckets, or corrupt an object), and the store's settings. */
public final class S3Testing {
    private S3Testing() {}

    /** A client of the SDK's own, as anyone else's program would use (checksums only where required: S3Proxy refuses the trailing CRC32). */
    public static S3Client client(S3ProxyExtension s3) {
        return S3Client.builder().endpointOverride(s3.getUri()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.getAccessKey(), s3.getSecretKey()))).build();
    }

    public static void createBucket(S3ProxyExtension s3, String bucket) {
        try (S3Client c = client(s3)) {
            c.createBucket(r -> r.bucket(bucket));
        }
    }

    public static S3ArtifactStore.Settings settings(S3ProxyExtension s3) {
        return new S3ArtifactStore.Settings(s3.getUri(), "us-east-1", s3.getAccessKey(), s3.getSecretKey());
    }
}
