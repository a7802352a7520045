package dev.faissrebuild.deployer.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.deployer.LiveExpectation;
import dev.faissrebuild.deployer.testing.ChildLockHolder;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore while another process (standing in for a deploy) holds the indices lock: it waits, then refuses or goes after. */
class BackupLockTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;
    IndicesLayout layout;
    BackupStore store;
    BackupId backup;

    @BeforeEach
    void setUp() throws Exception {
        layout = new IndicesLayout(dir.resolve("indices"));
        store = new BackupStore(layout, new BackupRetention(10, 3, Duration.ofDays(30)));
        GenerationManifest g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test", Duration.ofSeconds(5))) {
            backup = store.create(lock, g1.generationId(), Instant.now()).backup().id();
        }
        TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400), List.of(IndexKey.parse("6h/ivfpq")), 2);
    }

    @Test
    void waitsTheBoundedTimeThenRefusesNamingTheHolder() throws Exception {
        Map<String, String> before = TestGenerations.liveChecksums(layout);
        try (ChildLockHolder deploy = ChildLockHolder.start(layout.root(), "deployer: deploy rebuild r-held", 30)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> restore(Duration.ofSeconds(2))).isInstanceOf(IndicesLock.BusyException.class)
                    .hasMessageContaining("indices are locked by another operation (deployer: deploy rebuild r-held, pid ")
                    .hasMessageContaining("waited 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
            assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(before);
        }
    }

    @Test
    void goesOnlyAfterTheHolderReleasedAndNeverInterleaves() throws Exception {
        String liveBefore = layout.liveGenerationId().orElseThrow();
        try (ChildLockHolder deploy = ChildLockHolder.start(layout.root(), "deployer: deploy rebuild r-held", 2)) {
            BackupRestore.Restored r = restore(Duration.ofSeconds(60));
            long done = System.currentTimeMillis();
            String[] released = deploy.releasing();
            // while the child held the lock the live set did not change; the restore finished after the release
            assertThat(deploy.liveWhenLocked()).isEqualTo(liveBefore);
            assertThat(released[0]).isEqualTo(liveBefore);
            assertThat(done).isGreaterThanOrEqualTo(Long.parseLong(released[1]));
            assertThat(layout.liveGenerationId()).contains(r.generationId());
        }
    }

    private BackupRestore.Restored restore(Duration wait) throws Exception {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: restore", wait)) {
            return new BackupRestore(store).restore(lock, backup, LiveExpectation.any(), Instant.now());
        }
    }
}
