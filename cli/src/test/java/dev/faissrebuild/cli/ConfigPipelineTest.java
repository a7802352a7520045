package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.config.ConfigLoader;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * validation.enabled and rebuild.require_validation_pass through the whole system: a real broker, the
 * five services, real builds. One horizon (24h, both types) keeps each run to two builds.
 */
class ConfigPipelineTest {
    static final int ROWS = 2500;
    static final int DIM = 32;
    /** Held-out queries of isotropic noise: IVF-PQ tuned on the data's own rows finds their neighbours badly, so the recall gate rejects it. */
    static final String NOISE_QUERIES = "\"queries_file\": \"noise.npy\"";
    @TempDir Path dir;
    /** What {@code rebuild --wait} printed for the last rebuild. */
    StringWriter progress;

    /** Starts the system with {@code rebuild} and {@code validation} settings added to one horizon and no cron, rebuilds, stops. */
    private RebuildWatch.Result rebuildOnce(String rebuild, String validation) throws Exception {
        TestData.weatherLike(dir.resolve("embeddings").resolve(new IndexKey(Horizon.H24, IndexType.FLATIP).embeddingsFileName()), ROWS, DIM, 24);
        Random r = new Random(5);
        NpyWriter.write(dir.resolve("noise.npy"), 300, DIM, (row, out) -> {
            for (int i = 0; i < DIM; i++) out[i] = (float) r.nextGaussian();
        });
        Path cfg = Files.writeString(dir.resolve("config.json"), "{\"scheduler\": {\"enabled\": false}, \"rebuild\": {\"horizons\": [24]"
                + rebuild + "}, \"validation\": {" + validation + "}}");
        try (LocalSystem system = LocalSystem.start(ConfigLoader.load(cfg, dir).withEphemeralPorts())) {
            var command = RebuildCliCommand.command(Horizon.parseList(null), IndexType.parseList(null), true, "test");
            progress = new StringWriter();
            return RebuildCliCommand.publishAndFollow(system.runtime().kafka(), command, Duration.ofMinutes(10), new PrintWriter(progress));
        }
    }

    private static DeployedFile file(GenerationDeployed d, String key) {
        return d.getFiles().stream().filter(f -> f.getIndexKey().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void withValidationDisabledEveryIndexIsDeployedAsNotQualityChecked() throws Exception {
        RebuildWatch.Result r = rebuildOnce("", "\"enabled\": false");
        assertThat(r.deployed()).as(r.finals().toString()).isTrue();
        assertThat(r.validated().values()).hasSize(2).allSatisfy(v -> {
            assertThat(v.getQualityChecked()).isFalse();
            assertThat(v.getGates()).filteredOn(g -> !g.getGate().equals("structure"))
                    .allSatisfy(g -> assertThat(g.getDetail()).contains("validation.enabled = false"));
        });
        GenerationDeployed d = (GenerationDeployed) r.finals().getLast();
        assertThat(d.getFiles()).hasSize(2).allSatisfy(f -> assertThat(f.getValidationNote()).startsWith("not quality-checked"));
        assertThat(new IndicesLayout(dir.resolve("indices")).liveManifest().orElseThrow().files())
                .allSatisfy(e -> assertThat(e.validationNote()).contains("validation.enabled = false"));
        assertThat(progress.toString()).contains("24h/ivfpq passed the structure gate only: validation.enabled = false, so it was not quality-checked")
                .contains("  24h/flatip not quality-checked");
    }

    @Test
    void aCandidateTheRecallGateRejectsIsDeployedOnlyWhenNoPassIsRequired() throws Exception {
        RebuildWatch.Result required = rebuildOnce("", NOISE_QUERIES);
        assertThat(required.deployed()).isFalse();
        assertThat(((DeployFailed) required.finals().getLast()).getReason()).contains("24h/ivfpq rejected: rejected by the recall gate");

        RebuildWatch.Result waived = rebuildOnce(", \"require_validation_pass\": false", NOISE_QUERIES);
        assertThat(waived.deployed()).as(waived.finals().toString()).isTrue();
        GenerationDeployed d = (GenerationDeployed) waived.finals().getLast();
        assertThat(file(d, "24h/ivfpq").getValidationNote())
                .startsWith("deployed despite its rejection, because rebuild.require_validation_pass = false: rejected by the recall gate");
        assertThat(file(d, "24h/flatip").getValidationNote()).isNull(); // exact search is right on any query
        assertThat(progress.toString()).contains("24h/ivfpq REJECTED: rejected by the recall gate")
                .contains("  24h/ivfpq deployed despite its rejection, because rebuild.require_validation_pass = false");
    }
}
