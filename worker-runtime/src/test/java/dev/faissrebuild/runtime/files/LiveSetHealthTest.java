package dev.faissrebuild.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.http.Health;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live_set health check on real files: nothing deployed warns; a missing, resized or altered file is critical. */
class LiveSetHealthTest {
    static final List<IndexKey> KEYS = List.of(IndexKey.parse("6h/flatip"), IndexKey.parse("24h/ivfpq"));
    @TempDir Path dir;

    @Test
    void nothingDeployedIsAWarningWithThatReason() {
        Health.Check c = new LiveSetHealth(new IndicesLayout(dir), KEYS).check();
        assertThat(c.level()).isEqualTo(Health.Level.WARNING);
        assertThat(c.detail()).contains("nothing deployed");
    }

    @Test
    void anIntactLiveSetIsUp() throws Exception {
        IndicesLayout layout = deploy("g1");
        Health.Check c = new LiveSetHealth(layout, KEYS).check();
        assertThat(c.level()).as(c.detail()).isEqualTo(Health.Level.UP);
        assertThat(c.detail()).contains("generation g1").contains("2 files intact");
    }

    @Test
    void aDeletedLiveFileIsCritical() throws Exception {
        IndicesLayout layout = deploy("g1");
        Files.delete(layout.generation("g1").resolve("faiss_24h_ivfpq.faiss"));
        Health.Check c = new LiveSetHealth(layout, KEYS).check();
        assertThat(c.level()).isEqualTo(Health.Level.DOWN);
        assertThat(c.detail()).contains("24h/ivfpq").contains("missing");
    }

    @Test
    void aFileChangedInPlaceIsCriticalEvenAtTheSameSize() throws Exception {
        IndicesLayout layout = deploy("g1");
        LiveSetHealth health = new LiveSetHealth(layout, KEYS);
        assertThat(health.check().level()).isEqualTo(Health.Level.UP);
        Path file = layout.generation("g1").resolve("faiss_6h_flatip.faiss");
        byte[] bytes = Files.readAllBytes(file);
        bytes[10] ^= 1;
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        // a fresh check (the cached result is good for a few seconds)
        Health.Check c = new LiveSetHealth(layout, KEYS).check();
        assertThat(c.level()).isEqualTo(Health.Level.DOWN);
        assertThat(c.detail()).contains("6h/flatip").contains("sha256");
    }

    @Test
    void aTruncatedFileIsCritical() throws Exception {
        IndicesLayout layout = deploy("g1");
        Path file = layout.generation("g1").resolve("faiss_6h_flatip.faiss");
        Files.write(file, new byte[3]);
        Health.Check c = new LiveSetHealth(layout, KEYS).check();
        assertThat(c.level()).isEqualTo(Health.Level.DOWN);
        assertThat(c.detail()).contains("holds 3 bytes");
    }

    @Test
    void aHealthWithAFailingLiveSetReportsCritical() throws Exception {
        IndicesLayout layout = deploy("g1");
        Files.delete(layout.generation("g1").resolve("faiss_6h_flatip.faiss"));
        Health health = new Health("test").check("live_set", new LiveSetHealth(layout, KEYS)::check);
        assertThat(health.report().status()).isEqualTo("critical");
        assertThat(new Health("test").check("live_set", new LiveSetHealth(new IndicesLayout(dir.resolve("empty")), KEYS)::check)
                .report().status()).isEqualTo("warning");
    }

    /** A generation with one small file per key, its manifest, and the links consumers open. */
    private IndicesLayout deploy(String id) throws Exception {
        IndicesLayout layout = new IndicesLayout(dir);
        Path gen = Files.createDirectories(layout.generation(id));
        List<GenerationManifest.Entry> entries = new ArrayList<>();
        for (IndexKey k : KEYS) {
            Path f = Files.write(gen.resolve(k.fileName()), ("index " + k).repeat(100).getBytes());
            entries.add(new GenerationManifest.Entry(k.toString(), k.fileName(), Sha256.of(f), Files.size(f), 16, 100, "Flat", "INNER_PRODUCT",
                    0, 0, 1.0, 1.0, 0.1, null, null, "r1", true));
        }
        Files.writeString(gen.resolve(GenerationManifest.FILE_NAME),
                new GenerationManifest(1, id, Instant.now(), "r1", "MANUAL", null, entries).toJson());
        Files.createSymbolicLink(layout.current(), Path.of("generations", id));
        for (IndexKey k : KEYS) Files.createSymbolicLink(layout.liveFile(k), Path.of("current", k.fileName()));
        return layout;
    }
}
