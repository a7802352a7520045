package dev.faissrebuild.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.faiss.Metric;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployer is killed (halted like SIGKILL, in a child process) at each step of a deploy. After a
 * restart the live set is one complete generation, old or new, never a mix and never a missing file;
 * every file matches its manifest; the lock is free; and the next deploy succeeds.
 */
class DeployCrashTest {
    static final List<String> REPORT = new ArrayList<>();
    @TempDir static Path shared;
    static Path embeddings;

    @BeforeAll
    static void data() {
        embeddings = shared.resolve("embeddings");
        for (IndexKey k : IndexKey.all()) TestData.weatherLike(embeddings.resolve(k.embeddingsFileName()), 600, 16, k.horizon().hours());
    }

    @AfterAll
    static void report() {
        System.out.println("crash points (deploy):\n" + String.join("\n", REPORT));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"generation.after_files", "generation.after_manifest", "switch.before_current", "switch.after_current",
            "deploy.after_switch"})
    void aDeployKilledAtAnyStepLeavesOneCompleteGeneration(String point, @TempDir Path dir) throws Exception {
        IndicesLayout layout = new IndicesLayout(dir.resolve("indices"));
        stage(layout, "r-old");
        assertThat(CrashHarness.deploy(layout, embeddings, "r-old").getLast()).isInstanceOf(GenerationDeployed.class);
        String old = layout.liveGenerationId().orElseThrow();
        stage(layout, "r-new");

        int exit = child(point, "deploy", layout.root().toString(), embeddings.toString(), "r-new");
        assertThat(exit).as("the child halted at " + point).isEqualTo(137);

        recover(layout);
        String afterCrash = assertOneCompleteGeneration(layout);
        REPORT.add(String.format("  %-28s killed; after restart live = %s generation", point, afterCrash.equals(old) ? "old" : "new"));

        assertThat(CrashHarness.deploy(layout, embeddings, "r-new").getLast()).isInstanceOf(GenerationDeployed.class);
        String next = assertOneCompleteGeneration(layout);
        assertThat(next).isNotEqualTo(old);
    }

    /** What a restarted deployer does before consuming: drop half-assembled generations and stray swap links. */
    static void recover(IndicesLayout layout) throws IOException {
        new GenerationStore(layout).removeIncomplete();
    }

    /** The invariants; returns the live generation id. */
    static String assertOneCompleteGeneration(IndicesLayout layout) throws IOException {
        String live = layout.liveGenerationId().orElseThrow(() -> new AssertionError("no live generation"));
        Path gen = layout.generation(live);
        GenerationManifest m = GenerationManifest.read(gen.resolve(GenerationManifest.FILE_NAME));
        assertThat(m.files()).hasSize(8);
        for (GenerationManifest.Entry e : m.files()) {
            Path fixed = layout.liveFile(IndexKey.parse(e.indexKey()));
            assertThat(fixed.toRealPath().getParent()).as(e.indexKey() + " resolves into the live generation").isEqualTo(gen.toRealPath());
            assertThat(Sha256.of(fixed)).as(e.indexKey() + " matches its manifest").isEqualTo(e.sha256());
            try (Index i = Index.read(fixed)) {
                assertThat(i.ntotal()).isEqualTo(e.ntotal());
            }
        }
        try (Stream<Path> s = Files.list(layout.generations())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test", Duration.ZERO)) {
            assertThat(lock).isNotNull(); // free: the dead process's OS lock went with it
        }
        return live;
    }

    static void stage(IndicesLayout layout, String rebuildId) throws IOException {
        Files.createDirectories(layout.staging(rebuildId));
        for (IndexKey k : IndexKey.all()) {
            try (NpyMatrix m = NpyMatrix.open(embeddings.resolve(k.embeddingsFileName())); Index i = Index.create(m.dim(), "Flat", Metric.INNER_PRODUCT)) {
                i.add(m.segment(), m.rows());
                i.write(layout.staging(rebuildId).resolve(k.fileName()));
            }
        }
    }

    /** Runs the harness in a child JVM with a crash point; returns its exit code. */
    static int child(String point, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Dfaiss.crash.at=" + point,
                "-cp", System.getProperty("java.class.path"), CrashHarness.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("child output").contains("crash point " + point);
        return p.exitValue();
    }
}
