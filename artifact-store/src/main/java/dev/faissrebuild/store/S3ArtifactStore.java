package dev.faissrebuild.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3-compatible object storage as the store (AWS S3, MinIO, S3Proxy, ...): an object is
 * {@code <prefix>/<key>} with its sha256 in the user metadata {@code x-amz-meta-sha256}. Files up to
 * {@link #SINGLE_PUT_MAX} go in one PUT, larger ones in {@link #PART_BYTES} parts read from the file as they
 * are sent (a 2 GB flat index never sits in the heap). Path-style addressing and checksums only where the
 * protocol requires them, which S3-compatible servers accept (the SDK's default trailing CRC32 is not).
 */
public final class S3ArtifactStore implements ArtifactStore {
    static final long SINGLE_PUT_MAX = 64L << 20;
    static final long PART_BYTES = 16L << 20;
    private static final String SHA256 = "sha256";
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    /**
     * @param endpoint null: AWS's own for the region; else e.g. {@code http://127.0.0.1:9000}
     * @param accessKeyId null: the SDK's default chain (environment, profile, instance role)
     */
    public record Settings(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        public static Settings defaults() {
            return new Settings(null, "us-east-1", null, null);
        }
    }

    private S3ArtifactStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** {@code s3://bucket} or {@code s3://bucket/some/prefix}. */
    static S3ArtifactStore open(URI location, Settings settings) {
        String bucket = location.getHost();
        if (bucket == null || bucket.isEmpty()) throw new IllegalArgumentException("artifact store " + location + " names no bucket: expected s3://bucket[/prefix]");
        String path = location.getPath() == null ? "" : location.getPath().replaceAll("^/+|/+$", "");
        var b = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) b.endpointOverride(settings.endpoint());
        return new S3ArtifactStore(b.build(), bucket, path.isEmpty() ? "" : path + "/");
    }

    private static AwsCredentialsProvider credentials(Settings s) {
        if (s.accessKeyId() == null) return DefaultCredentialsProvider.builder().build();
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey()));
    }

    @Override
    public StoredObject put(String key, Path file, String sha256) throws IOException {
        String name = name(key);
        long size = java.nio.file.Files.size(file);
        try {
            if (size <= SINGLE_PUT_MAX) {
                s3.putObject(r -> r.bucket(bucket).key(name).metadata(Map.of(SHA256, sha256)).contentLength(size), RequestBody.fromFile(file));
            } else {
                multipart(name, file, size, sha256);
            }
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
        return new StoredObject(key, size, sha256);
    }

    private void multipart(String name, Path file, long size, String sha256) {
        String upload = s3.createMultipartUpload(r -> r.bucket(bucket).key(name).metadata(Map.of(SHA256, sha256))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (int n = 1; (long) (n - 1) * PART_BYTES < size; n++) {
                long from = (long) (n - 1) * PART_BYTES;
                long length = Math.min(PART_BYTES, size - from);
                int part = n;
                // a fresh stream over the file's slice each time the SDK asks (it reads once to sign, once to send): no buffering
                RequestBody body = RequestBody.fromContentProvider(() -> FileSlice.open(file, from, length), length, "application/octet-stream");
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(name).uploadId(upload).partNumber(part).contentLength(length), body).eTag();
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(upload)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (RuntimeException e) { // the SDK's, or the file's read failing inside a part
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(upload));
            throw e;
        }
    }

    @Override
    public StoredObject get(String key, Path dest) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(name(key)))) {
            String sha = in.response().metadata().get(SHA256);
            if (sha == null) throw new IOException(describe() + "/" + key + " carries no sha256: not put by faiss-rebuild, refused");
            return VerifiedDownload.write(in, dest, describe(), key, sha);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) throw new NoSuchFileException(describe() + "/" + key, null, "no such object");
            throw failure("get", key, e);
        } catch (SdkException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        try {
            HeadObjectResponse h = s3.headObject(r -> r.bucket(bucket).key(name(key)));
            return Optional.of(new StoredObject(key, h.contentLength(), h.metadata().getOrDefault(SHA256, "")));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw failure("stat", key, e);
        } catch (SdkException e) {
            throw failure("stat", key, e);
        }
    }

    @Override
    public List<String> keys(String keyPrefix) throws IOException {
        List<String> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + keyPrefix)).contents()) {
                if (!o.key().endsWith("/")) out.add(o.key().substring(prefix.length())); // not a directory marker (S3Proxy's filesystem backend lists them)
            }
        } catch (SdkException e) {
            throw failure("list", keyPrefix, e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(name(key)));
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1));
    }

    @Override
    public void close() {
        s3.close();
    }

    private String name(String key) {
        return prefix + ArtifactStore.checkedKey(key);
    }

    private IOException failure(String op, String key, SdkException e) {
        return new IOException(op + " " + describe() + "/" + key + " failed: " + e.getMessage(), e);
    }
}
