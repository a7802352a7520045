package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faissrebuild.deployer.RebuildLedger;
import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceCommandsTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;
    IndicesLayout layout;
    List<GenerationManifest> g = new ArrayList<>();

    @BeforeEach
    void setUp() {
        layout = new IndicesLayout(dir.resolve("indices"));
        g.add(TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaa0", T0, 0));
        for (int i = 1; i <= 4; i++) {
            g.add(TestGenerations.deploy(layout, "r2025060" + (i + 1) + "T020000Z-aaaaa" + i, T0.plus(Duration.ofDays(i)),
                    List.of(TestGenerations.KEYS.get(i)), i));
        }
    }

    CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dir.toString()));
        return CliRun.run("", all.toArray(String[]::new));
    }

    @Test
    void cleanupKeepsTheLiveGenerationAndItsPredecessorAndSaysWhatItFreed() throws Exception {
        for (int i = 0; i < 4; i++) {
            Path result = RebuildLedger.resultFile(layout, g.get(i).rebuildId());
            Files.createDirectories(result.getParent());
            Files.writeString(result, "decided");
        }
        CliRun dry = cli("maintenance", "cleanup", "--keep-recent", "0", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would remove").contains("would be freed");
        assertThat(layout.generation(g.get(0).generationId())).isDirectory();

        CliRun r = cli("maintenance", "cleanup", "--keep-recent", "0");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("removed 7 item(s)").contains("MB freed (hard-linked files counted once)")
                .contains("generations kept: " + g.get(3).generationId() + " (previous of the live generation (rollback target)), "
                        + g.get(4).generationId() + " (live)");
        for (int i : new int[] {0, 1, 2}) assertThat(layout.generation(g.get(i).generationId())).doesNotExist();
        for (int i : new int[] {3, 4}) assertThat(layout.generation(g.get(i).generationId())).isDirectory();
        assertThat(TestGenerations.liveChecksums(layout).values()).doesNotContain("missing");
        assertThat(layout.staging(g.get(4).rebuildId())).isDirectory(); // not decided, recent

        CliRun bad = cli("maintenance", "cleanup", "--keep-recent", "-1");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.errorLines()).isEqualTo("faiss-rebuild maintenance cleanup: --keep-recent must be 0 or more, got -1\n");
    }

    @Test
    void diskUsageCountsHardLinksOnce() throws Exception {
        CliRun json = cli("maintenance", "disk-usage", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode u = new ObjectMapper().readTree(json.out());
        // g0: 8 indices + manifest; g1..g4: one new index + manifest each; the rest are hard links
        assertThat(u.get("generations").get("count").asInt()).isEqualTo(5);
        assertThat(u.get("generations").get("files").asLong()).isEqualTo(9 + 4 * 2);
        assertThat(u.get("live").get("files").asLong()).isEqualTo(9);
        assertThat(u.get("live").get("bytes").asLong()).isLessThan(u.get("generations").get("bytes").asLong());
        assertThat(u.get("generations_detail")).hasSize(5);
        assertThat(u.get("generations_detail").get(4).get("live").asBoolean()).isTrue();

        CliRun text = cli("maintenance", "disk-usage");
        assertThat(text.out()).contains("area").contains("generations").contains("staging").contains("backups").contains("own MB");
    }

    @Test
    void maintenanceWithoutASubcommandSaysWhichOnesThereAre() {
        CliRun r = CliRun.run("", "maintenance");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("Missing required subcommand").contains("cleanup").contains("disk-usage");
    }
}
