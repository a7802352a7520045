package dev.faissrebuild.deployer.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRetentionTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    @TempDir Path dir;

    /** A full cycle on real archives: min_count keeps expired ones, expiry removes the rest, max_count caps young ones. */
    @Test
    void fullRetentionCycle() throws Exception {
        IndicesLayout layout = new IndicesLayout(dir.resolve("indices"));
        GenerationManifest g = TestGenerations.deployAll(layout, "r20261101T000000Z-aaaaaa", NOW.minus(Duration.ofDays(200)), 1);
        BackupStore store = new BackupStore(layout, new BackupRetention(4, 2, Duration.ofDays(30)));
        List<List<String>> deletedPerCreate = new ArrayList<>();
        // three old backups (100, 90, 80 days ago), then one now: all three old ones are expired, but min_count 2 keeps the youngest
        for (Instant at : List.of(days(-100), days(-90), days(-80), NOW)) deletedPerCreate.add(create(store, layout, g, at));
        assertThat(deletedPerCreate.subList(0, 3)).allSatisfy(d -> assertThat(d).isEmpty());
        assertThat(deletedPerCreate.get(3)).containsExactly(id(days(-100)), id(days(-90)));
        assertThat(ids(store)).containsExactly(id(days(-80)), id(NOW));

        // the next one leaves min_count young backups: the expired one goes
        assertThat(create(store, layout, g, NOW.plusSeconds(1))).containsExactly(id(days(-80)));
        assertThat(ids(store)).containsExactly(id(NOW), id(NOW.plusSeconds(1)));

        // none expired, but max_count 4: the oldest goes when a fifth arrives
        for (int s = 2; s <= 3; s++) assertThat(create(store, layout, g, NOW.plusSeconds(s))).isEmpty();
        assertThat(create(store, layout, g, NOW.plusSeconds(4))).containsExactly(id(NOW));
        assertThat(ids(store)).containsExactly(id(NOW.plusSeconds(1)), id(NOW.plusSeconds(2)), id(NOW.plusSeconds(3)), id(NOW.plusSeconds(4)));
        assertThat(store.list()).allSatisfy(l -> assertThat(l).isInstanceOf(BackupStore.Backup.class));
    }

    @Test
    void policyEdges() {
        List<BackupStore.Backup> six = new ArrayList<>();
        for (int d = 6; d >= 1; d--) six.add(fake(days(-d * 10)));
        // no expiry: only max_count counts
        assertThat(new BackupRetention(4, 0, null).toDelete(six, NOW)).extracting(b -> b.id().value())
                .containsExactly(id(days(-60)), id(days(-50)));
        // min_count 0: every expired one goes (older than 25 days: 30..60)
        assertThat(new BackupRetention(10, 0, Duration.ofDays(25)).toDelete(six, NOW)).hasSize(4);
        // min_count 3 of 6, all expired: the three newest stay
        assertThat(new BackupRetention(10, 3, Duration.ofDays(1)).toDelete(six, NOW)).extracting(b -> b.id().value())
                .containsExactly(id(days(-60)), id(days(-50)), id(days(-40)));
        assertThat(new BackupRetention(10, 3, Duration.ofDays(1)).toDelete(List.of(), NOW)).isEmpty();
        assertThatThrownBy(() -> new BackupRetention(2, 3, null)).hasMessageContaining("min_count <= max_count");
    }

    private static List<String> create(BackupStore store, IndicesLayout layout, GenerationManifest g, Instant at) throws Exception {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test", Duration.ofSeconds(5))) {
            BackupStore.Created c = store.create(lock, g.generationId(), at);
            assertThat(c.backup().id().value()).isEqualTo(id(at));
            return c.deleted().stream().map(b -> b.id().value()).toList();
        }
    }

    private static List<String> ids(BackupStore store) throws Exception {
        return store.readable().stream().map(b -> b.id().value()).toList();
    }

    private static String id(Instant at) {
        return BackupId.next(at, "g-aaaaaa").value();
    }

    private static Instant days(int d) {
        return NOW.plus(Duration.ofDays(d));
    }

    private static BackupStore.Backup fake(Instant at) {
        BackupId id = new BackupId(id(at));
        return new BackupStore.Backup(id, BackupManifest.of(id, at, "g-aaaaaa", List.of(new BackupManifest.FileEntry("f", 1, "0".repeat(64)))),
                Path.of(id + ".tar.gz"), 1);
    }
}
