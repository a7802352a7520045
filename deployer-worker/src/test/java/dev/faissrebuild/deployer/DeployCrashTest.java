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
 * The deployer's operations are killed (halted like SIGKILL, in a child process) at each step of a
 * deploy, a rollback, a restore, a backup and a cleanup. After a restart the live set is one complete generation, old or new, never a mix and never a missing file;
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
        System.out.println("crash points (" + REPORT.size() + " kills):\n" + String.join("\n", REPORT));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"generation.after_files", "generation.after_manifest", "switch.before_current", "switch.after_current",
            "deploy.after_switch", "deploy.after_backup", "backup.after_first_file", "backup.after_files"})
    void aDeployKilledAtAnyStepLeavesOneCompleteGeneration(String point, @TempDir Path dir) throws Exception {
        IndicesLayout layout = live(dir, "r-old");
        String old = layout.liveGenerationId().orElseThrow();
        stage(layout, "r-new");

        killAt(point, "deploy-with-backup", layout, "r-new");
        String afterCrash = restartAndCheck(layout, point, old);

        assertThat(CrashHarness.deploy(layout, embeddings, "r-new", true).getLast()).isInstanceOf(GenerationDeployed.class);
        String next = assertOneCompleteGeneration(layout);
        assertThat(next).isNotEqualTo(old);
        assertThat(afterCrash).isIn(old, next);
        // the archive of the replaced generation comes after the switch, and a crash before it completes is made good by the next deploy
        if (point.startsWith("backup.") || point.equals("deploy.after_backup")) assertThat(afterCrash).isEqualTo(next);
        assertThat(CrashHarness.backups(layout).latestOf(old)).as("an archive of the replaced generation " + old).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rollback.before_switch", "rollback.after_switch", "switch.before_current", "switch.after_current"})
    void aRollbackKilledAtAnyStepLeavesOneCompleteGeneration(String point, @TempDir Path dir) throws Exception {
        IndicesLayout layout = live(dir, "r-old");
        stage(layout, "r-new");
        CrashHarness.deploy(layout, embeddings, "r-new");
        String newer = layout.liveGenerationId().orElseThrow();
        killAt(point, "rollback", layout);
        if (restartAndCheck(layout, point, newer).equals(newer)) {
            // killed before the switch: the operator runs it again, and it completes
            CrashHarness.main(new String[] {"rollback", layout.root().toString(), embeddings.toString()});
        }
        assertThat(assertOneCompleteGeneration(layout)).isNotEqualTo(newer);
        nextDeploySucceeds(layout);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"restore.after_verify", "restore.after_generation", "restore.after_switch"})
    void aRestoreKilledAtAnyStepLeavesOneCompleteGeneration(String point, @TempDir Path dir) throws Exception {
        IndicesLayout layout = live(dir, "r-old");
        String backup;
        try (IndicesLock lock = CrashHarness.lock(layout)) {
            backup = CrashHarness.backups(layout).create(lock, layout.liveGenerationId().orElseThrow(), java.time.Instant.now()).backup().id().toString();
        }
        stage(layout, "r-new");
        CrashHarness.deploy(layout, embeddings, "r-new");
        String newer = layout.liveGenerationId().orElseThrow();
        killAt(point, "restore", layout, backup);
        restartAndCheck(layout, point, newer);
        nextDeploySucceeds(layout);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backup.after_first_file", "backup.after_files", "backup.after_rename", "backup.after_retention",
            "cleanup.generation_hidden"})
    void aBackupOrCleanupKilledLeavesTheLiveSetAlone(String point, @TempDir Path dir) throws Exception {
        IndicesLayout layout = live(dir, "r-old");
        stage(layout, "r-new");
        CrashHarness.deploy(layout, embeddings, "r-new");
        stage(layout, "r-third");
        CrashHarness.deploy(layout, embeddings, "r-third");
        String live = layout.liveGenerationId().orElseThrow();
        killAt(point, point.startsWith("cleanup") ? "cleanup" : "backup", layout);
        assertThat(restartAndCheck(layout, point, live)).isEqualTo(live);
        try (Stream<Path> s = Files.exists(layout.backups()) ? Files.list(layout.backups()) : Stream.empty()) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no half archive under a final name")
                    .allMatch(n -> n.endsWith(".tar.gz") && !n.startsWith("."));
        }
        for (var b : CrashHarness.backups(layout).list()) assertThat(b).isInstanceOf(dev.faissrebuild.deployer.backup.BackupStore.Backup.class);
        nextDeploySucceeds(layout);
    }

    static IndicesLayout live(Path dir, String rebuildId) throws Exception {
        IndicesLayout layout = new IndicesLayout(dir.resolve("indices"));
        stage(layout, rebuildId);
        assertThat(CrashHarness.deploy(layout, embeddings, rebuildId).getLast()).isInstanceOf(GenerationDeployed.class);
        return layout;
    }

    static void killAt(String point, String op, IndicesLayout layout, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(op, layout.root().toString(), embeddings.toString()));
        args.addAll(List.of(more));
        assertThat(child(point, args.toArray(String[]::new))).as("the child halted at " + point).isEqualTo(137);
    }

    /** Restart (the deployer's start-up recovery), check the invariants, record the outcome for the report. */
    static String restartAndCheck(IndicesLayout layout, String point, String before) throws IOException {
        DeployerService.removeIncomplete(layout, CrashHarness.backups(layout));
        String live = assertOneCompleteGeneration(layout);
        REPORT.add(String.format("  %-28s killed; after restart: one complete generation, %s", point,
                live.equals(before) ? "the one live before" : "the new one (" + live + ")"));
        return live;
    }

    static void nextDeploySucceeds(IndicesLayout layout) throws Exception {
        String id = "r-after-" + System.nanoTime();
        stage(layout, id);
        assertThat(CrashHarness.deploy(layout, embeddings, id).getLast()).isInstanceOf(GenerationDeployed.class);
        assertOneCompleteGeneration(layout);
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
