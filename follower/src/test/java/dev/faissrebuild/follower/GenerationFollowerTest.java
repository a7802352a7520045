package dev.faissrebuild.follower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.deployer.GenerationPublisher;
import dev.faissrebuild.deployer.GenerationSwitch;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.store.ArtifactStore;
import dev.faissrebuild.store.PublishedGenerations;
import dev.faissrebuild.store.S3ArtifactStore;
import dev.faissrebuild.store.testing.S3Testing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A serving host following a deployer through S3 (S3Proxy, a real S3 protocol server, in-process): the
 * deployer's generations are real ones of tiny FAISS indices, mirrored by the deployer's own
 * {@link GenerationPublisher}; the host's directory is another one, sharing nothing with the deployer's.
 */
class GenerationFollowerTest {
    static final String BUCKET = "faiss";
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret-key").build();
    @TempDir Path dir;
    IndicesLayout deployer;
    IndicesLayout host;
    ArtifactStore store;
    GenerationPublisher publisher;
    GenerationFollower follower;

    @BeforeEach
    void setUp() throws Exception {
        try (S3Client s3 = S3Testing.client(S3)) {
            s3.createBucket(r -> r.bucket(BUCKET));
        }
        deployer = new IndicesLayout(dir.resolve("deployer/indices"));
        host = new IndicesLayout(dir.resolve("host/indices"));
        store = ArtifactStore.open("s3://" + BUCKET + "/site", S3Testing.settings(S3));
        publisher = new GenerationPublisher(deployer, Optional.of(store));
        follower = new GenerationFollower(new PublishedGenerations(store), host);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void followsDeploysAndRollbacksKeepingTheReplacedGeneration() throws Exception {
        assertThat(follower.syncOnce()).isInstanceOf(SyncResult.NothingPublished.class);
        GenerationManifest g1 = deploy("r-1", 1, TestGenerations.KEYS);
        SyncResult first = follower.syncOnce();
        assertThat(first).isInstanceOfSatisfying(SyncResult.Switched.class, s -> {
            assertThat(s.from()).isNull();
            assertThat(s.to()).isEqualTo(g1.generationId());
            assertThat(s.bytes()).isEqualTo(g1.files().stream().mapToLong(GenerationManifest.Entry::sizeBytes).sum());
        });
        assertServes(g1);
        assertThat(follower.syncOnce()).isEqualTo(new SyncResult.UpToDate(g1.generationId()));

        GenerationManifest g2 = deploy("r-2", 2, List.of(IndexKey.parse("24h/flatip"), IndexKey.parse("6h/ivfpq")));
        assertThat(follower.syncOnce()).isInstanceOf(SyncResult.Switched.class);
        assertServes(g2);
        assertThat(generationsOn(host)).containsExactlyInAnyOrder(g1.generationId(), g2.generationId());

        GenerationManifest g3 = deploy("r-3", 3, TestGenerations.KEYS);
        follower.syncOnce();
        assertServes(g3);
        assertThat(generationsOn(host)).as("the live one and the one it replaced").containsExactlyInAnyOrder(g2.generationId(), g3.generationId());
        assertThat(new PublishedGenerations(store).ids()).as("the store keeps what the deployer's disk keeps").isEqualTo(generationsOn(deployer));

        // a rollback on the deployer: the store follows its disk, the host switches back without a download
        try (IndicesLock lock = IndicesLock.acquire(deployer.lockFile(), "test: rollback", Duration.ofSeconds(5))) {
            new GenerationSwitch(deployer).switchTo(g2.generationId(), TestGenerations.KEYS);
            publisher.mirror(lock);
        }
        assertThat(follower.syncOnce()).isInstanceOfSatisfying(SyncResult.Switched.class, s -> {
            assertThat(s.to()).isEqualTo(g2.generationId());
            assertThat(s.bytes()).as("kept on disk, nothing downloaded").isZero();
        });
        assertServes(g2);
    }

    @Test
    void aCorruptedObjectIsRefusedByChecksumAndTheHostKeepsItsGeneration() throws Exception {
        GenerationManifest g1 = deploy("r-1", 1, TestGenerations.KEYS);
        follower.syncOnce();
        GenerationManifest g2 = deploy("r-2", 2, TestGenerations.KEYS);
        String victim = "site/generations/" + g2.generationId() + "/" + IndexKey.parse("12h/ivfpq").fileName();
        byte[] good;
        try (S3Client s3 = S3Testing.client(S3)) {
            good = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(victim)).asByteArray();
            byte[] bad = good.clone();
            bad[bad.length / 2] ^= 1;
            String sha = s3.headObject(r -> r.bucket(BUCKET).key(victim)).metadata().get("sha256");
            s3.putObject(r -> r.bucket(BUCKET).key(victim).metadata(Map.of("sha256", sha)), RequestBody.fromBytes(bad)); // sidecar kept: only the bytes lie
        }
        FollowerState state = new FollowerState(new SimpleMeterRegistry(), Clock.systemUTC(), host.liveGenerationId());
        SyncResult refused = follower.syncOnce();
        state.record(refused, new PublishedGenerations(store).live());
        assertThat(refused).isInstanceOfSatisfying(SyncResult.Refused.class, r -> {
            assertThat(r.generationId()).isEqualTo(g2.generationId());
            assertThat(r.reason()).contains("faiss_12h_ivfpq.faiss").contains("sha256").contains("keeps generation " + g1.generationId());
        });
        assertServes(g1);
        assertThat(state.check().level()).isEqualTo(Health.Level.DOWN);
        assertThat(state.check().detail()).contains("serving " + g1.generationId()).contains("refused");
        try (Stream<Path> left = Files.list(host.generations())) {
            assertThat(left.map(p -> p.getFileName().toString())).as("nothing half-downloaded left").containsExactly(g1.generationId());
        }

        try (S3Client s3 = S3Testing.client(S3)) { // mended in the store: the next pass takes it
            String sha = s3.headObject(r -> r.bucket(BUCKET).key(victim)).metadata().get("sha256");
            s3.putObject(r -> r.bucket(BUCKET).key(victim).metadata(Map.of("sha256", sha)), RequestBody.fromBytes(good));
        }
        SyncResult mended = follower.syncOnce();
        state.record(mended, new PublishedGenerations(store).live());
        assertServes(g2);
        assertThat(state.check().level()).isEqualTo(Health.Level.UP);
    }

    @Test
    void onlyAPublishedGenerationCanGoLive() throws Exception {
        PublishedGenerations published = new PublishedGenerations(store);
        assertThatThrownBy(() -> published.pointLive("g20261202T000000Z-nothere", Instant.now()))
                .hasMessageContaining("is not published");
        assertThat(published.live()).isEmpty();
    }

    private GenerationManifest deploy(String rebuild, long seed, List<IndexKey> rebuilt) {
        GenerationManifest m = TestGenerations.deploy(deployer, rebuild, Instant.parse("2026-12-0" + seed + "T00:00:00Z"), rebuilt, seed);
        try (IndicesLock lock = IndicesLock.acquire(deployer.lockFile(), "test: publish", Duration.ofSeconds(5))) {
            assertThat(publisher.mirror(lock)).isEmpty();
        }
        return m;
    }

    /** The host serves {@code m}: current points at it, and every fixed path has the manifest's bytes. */
    private void assertServes(GenerationManifest m) {
        assertThat(host.liveGenerationId()).contains(m.generationId());
        for (GenerationManifest.Entry e : m.files()) {
            assertThat(Sha256.of(host.liveFile(IndexKey.parse(e.indexKey())))).as(e.fileName()).isEqualTo(e.sha256());
        }
    }

    private static java.util.Set<String> generationsOn(IndicesLayout layout) throws Exception {
        try (Stream<Path> dirs = Files.list(layout.generations())) {
            return new java.util.TreeSet<>(dirs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList());
        }
    }

}
