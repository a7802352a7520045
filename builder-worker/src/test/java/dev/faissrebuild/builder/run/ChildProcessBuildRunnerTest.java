package dev.faissrebuild.builder.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.builder.IndexBuilder;
import dev.faissrebuild.events.FailureKind;
import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import dev.faissrebuild.runtime.child.MemoryFence;
import dev.faissrebuild.runtime.child.Supervision;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds in a child JVM: a real FAISS build, its own figures, and a worker that survives the child's death. */
class ChildProcessBuildRunnerTest {
    @TempDir Path dir;
    final ChildProcessBuildRunner runner = ChildProcessBuildRunner.sameJvm();

    @Test
    void aBuildInAChildWritesTheIndexAndReportsWhatItUsed() throws Exception {
        Path npy = TestData.weatherLike(dir.resolve("e.npy"), 4000, 32, 1);
        Path out = dir.resolve("staging/x.faiss");
        BuildOutcome o = runner.run(new IndexBuilder.Request(npy, IndexType.IVFPQ, null, 0, out, 1), "test");
        assertThat(o).isInstanceOf(BuildOutcome.Built.class);
        BuildOutcome.Built built = (BuildOutcome.Built) o;
        try (Index index = Index.read(out)) {
            assertThat(index.ntotal()).isEqualTo(4000);
        }
        assertThat(built.index().ntotal()).isEqualTo(4000);
        // the child's own figures: a JVM plus FAISS, not this test JVM's high-water mark
        assertThat(built.usage().peakRssBytes()).isBetween(20L << 20, 2L << 30);
        assertThat(built.usage().cpuSeconds()).isPositive();
        assertThat(built.usage().wallSeconds()).isPositive();
        assertThat(built.index().peakRssBytes()).isEqualTo(built.usage().peakRssBytes());
    }

    @Test
    void aBadFileFailsWithItsReasonAcrossTheProcessBoundary() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.npy"), "not an npy file");
        BuildOutcome o = runner.run(new IndexBuilder.Request(bad, IndexType.FLATIP, null, 0, dir.resolve("y.faiss"), 1), "test");
        assertThat(o).isInstanceOfSatisfying(BuildOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.INVALID_INPUT);
            assertThat(f.reason()).contains("embeddings file " + bad).contains("magic");
        });
        assertThat(dir.resolve("y.faiss")).doesNotExist();
    }

    @Test
    void aKilledChildIsAFailedBuildThatSaysHowItDiedAndLeavesNothing() throws Exception {
        // large enough that training runs for a while
        Path npy = TestData.weatherLike(dir.resolve("big.npy"), 60_000, 64, 2);
        Path out = Files.createDirectories(dir.resolve("staging")).resolve("z.faiss");
        CompletableFuture<BuildOutcome> build = CompletableFuture.supplyAsync(() ->
                runner.run(new IndexBuilder.Request(npy, IndexType.IVFPQ, "IVF256,PQ32np", 0, out, 1), "test"));
        ProcessHandle child = awaitChild(build);
        Thread.sleep(1500); // into the build
        child.destroyForcibly();
        BuildOutcome o = build.get();
        assertThat(o).isInstanceOfSatisfying(BuildOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.INTERNAL);
            assertThat(f.reason()).contains("pid " + child.pid()).contains("SIGKILL");
        });
        assertThat(out).doesNotExist();
        try (var left = Files.list(out.getParent())) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aBuildPastItsHardMemoryLimitFailsAsOutOfMemoryWhileAnotherBuildGoesOn() throws Exception {
        Assumptions.assumeTrue(MemoryFence.available(), "needs util-linux prlimit");
        Path big = TestData.weatherLike(dir.resolve("big.npy"), 1_000_000, 128, 3); // 512 MB; the flat index holds a copy
        Path small = TestData.weatherLike(dir.resolve("small.npy"), 4000, 32, 4);
        CompletableFuture<BuildOutcome> other = CompletableFuture.supplyAsync(() ->
                runner.run(new IndexBuilder.Request(small, IndexType.IVFPQ, null, 0, dir.resolve("other.faiss"), 1), "other"));
        long tooLittle = Files.size(big) + MemoryFence.PER_THREAD_BYTES; // the mapped file and a thread: not the 512 MB of codes
        BuildOutcome fenced = runner.run(new IndexBuilder.Request(big, IndexType.FLATIP, null, 0, dir.resolve("big.faiss"), 1), "fenced",
                Supervision.unlimited().memoryLimit(tooLittle));
        System.out.println("memory fence: " + fenced);
        assertThat(fenced).isInstanceOfSatisfying(BuildOutcome.Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.OUT_OF_MEMORY));
        assertThat(dir.resolve("big.faiss")).doesNotExist();
        assertThat(other.get()).as("the build beside it").isInstanceOf(BuildOutcome.Built.class);
        // the same build under the allowance the builder gives it (twice the estimate + the file) succeeds
        long estimate = Files.size(big) - 128; // flat: N·d·4 of codes, nothing trained
        BuildOutcome allowed = runner.run(new IndexBuilder.Request(big, IndexType.FLATIP, null, 0, dir.resolve("big.faiss"), 1), "allowed",
                Supervision.unlimited().memoryLimit(dev.faissrebuild.builder.BuildStep.allowance(estimate, Files.size(big), 1)));
        assertThat(allowed).isInstanceOf(BuildOutcome.Built.class);
    }

    private static ProcessHandle awaitChild(CompletableFuture<BuildOutcome> build) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            // the only child of this test JVM running java is the build (the JDK cannot always read a long command line)
            var child = ProcessHandle.current().children().filter(p -> p.info().command().equals(ProcessHandle.current().info().command()))
                    .findFirst();
            if (child.isPresent()) return child.get();
            Thread.sleep(20);
        }
        throw new AssertionError("no build child seen; the build " + (build.isDone() ? "ended: " + build.join() : "runs"));
    }
}
