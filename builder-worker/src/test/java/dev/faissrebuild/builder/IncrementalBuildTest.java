package dev.faissrebuild.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.faiss.Index;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.files.Sha256;
import dev.faissrebuild.testing.TestData;
import dev.faissrebuild.vectors.NpyMatrix;
import dev.faissrebuild.vectors.NpyWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that grew by appending is built from the live index (its training kept) plus the new rows; a
 * changed file, a growth beyond the share, or --full trains afresh. Real FAISS, real files.
 */
class IncrementalBuildTest {
    static final IndexBuilder.Target TARGET = new IndexBuilder.Target(0.80, 0.015, 10, 100, 300, 256);
    static final int OLD = 4_000;
    static final int NEW = 4_040; // 1 % appended
    static final int D = 32;
    @TempDir Path dir;
    Path grown;
    Path old;

    @BeforeEach
    void files() throws Exception {
        grown = TestData.weatherLike(dir.resolve("grown.npy"), NEW, D, 7);
        old = dir.resolve("old.npy");
        try (NpyMatrix g = NpyMatrix.open(grown)) {
            NpyWriter.write(old, OLD, D, (r, out) -> System.arraycopy(g.row(r), 0, out, 0, D));
        }
    }

    @Test
    void theRowsDigestOfAGrownFileStartsWithTheOldOne() {
        try (NpyMatrix o = NpyMatrix.open(old); NpyMatrix g = NpyMatrix.open(grown)) {
            RowsDigest before = RowsDigest.of(o, 0, true);
            RowsDigest after = RowsDigest.of(g, OLD, false);
            assertThat(before.prefix()).isNull();
            assertThat(after.prefix()).as("the header (row count) is left out").isEqualTo(before.all());
            assertThat(after.all()).isNotEqualTo(before.all());
            assertThat(RowsDigest.of(o, OLD + 1, false).prefix()).as("more rows asked than the file has").isNull();
            assertThat(before.file()).as("the whole file's digest, taken in the same read").isEqualTo(Sha256.of(old));
            assertThat(after.file()).as("not asked for").isNull();
        }
    }

    @Test
    void anAppendedFileIsTheLiveIndexPlusItsNewRows() throws Exception {
        for (IndexType type : IndexType.values()) {
            BuiltIndex first = build(old, type, null, 0.2, "first-");
            assertThat(first.buildKind()).isEqualTo("full");
            BuiltIndex next = build(grown, type, live(first), 0.2, "next-");
            assertThat(next.buildKind()).as(type.code()).isEqualTo("incremental");
            assertThat(next.ntotal()).isEqualTo(NEW);
            assertThat(next.factory()).isEqualTo(first.factory());
            assertThat(next.trainingRows()).isZero();
            assertThat(next.phaseSeconds()).containsKeys("read", "add", "write", "hash").doesNotContainKey("train");
            try (Index a = Index.read(first.path()); Index b = Index.read(next.path())) {
                assertThat(b.ntotal()).isEqualTo(NEW);
                // the first OLD rows are searched as before: the same neighbours for a row of the old part
                try (NpyMatrix g = NpyMatrix.open(grown); var arena = java.lang.foreign.Arena.ofConfined()) {
                    var q = g.gather(new long[] {123}, arena);
                    assertThat(b.search(q, 1, 1).ids()[0]).isEqualTo(a.search(q, 1, 1).ids()[0]);
                }
            }
        }
    }

    @Test
    void aChangedFileAGrowthBeyondTheShareOrFullTrainAfresh() throws Exception {
        BuiltIndex first = build(old, IndexType.IVFPQ, null, 0.2, "first-");
        assertThat(build(grown, IndexType.IVFPQ, live(first), 0.005, "a-").buildKind()).as("1 % > 0.5 %").isEqualTo("full");
        assertThat(build(grown, IndexType.IVFPQ, live(first), -1, "b-").buildKind()).as("--full").isEqualTo("full");
        Path changed = dir.resolve("changed.npy");
        try (NpyMatrix g = NpyMatrix.open(grown)) {
            NpyWriter.write(changed, NEW, D, (r, out) -> {
                System.arraycopy(g.row(r), 0, out, 0, D);
                if (r == 17) out[3] += 1e-3f; // one value of an old row
            });
        }
        assertThat(build(changed, IndexType.IVFPQ, live(first), 0.2, "c-").buildKind()).as("not an append").isEqualTo("full");
        assertThat(Increments.refusal(request(changed, IndexType.IVFPQ, live(first), 0.2, dir.resolve("x")), NEW, D, () -> "00"))
                .isEqualTo("the first 4000 rows differ from those the live index was built from (the file was changed, not appended to)");
        assertThat(Increments.refusal(request(changed, IndexType.IVFPQ, live(first), 0.2, dir.resolve("x")), OLD - 1, D, () -> {
            throw new AssertionError("the prefix's digest is asked for only when everything else allows an increment");
        })).isEqualTo("the file has 3999 rows, fewer than the live index's 4000 (not an append)");
    }

    private LiveSettings live(BuiltIndex b) {
        return new LiveSettings("g1", b.factory(), b.ntotal(), b.dimension(), b.path(), b.rowsSha256());
    }

    private BuiltIndex build(Path npy, IndexType type, LiveSettings live, double maxGrowth, String prefix) throws Exception {
        Path out = dir.resolve(prefix + type.code() + ".faiss");
        Files.deleteIfExists(out);
        return new IndexBuilder().build(request(npy, type, live, maxGrowth, out));
    }

    private static IndexBuilder.Request request(Path npy, IndexType type, LiveSettings live, double maxGrowth, Path out) {
        return new IndexBuilder.Request(npy, type, null, 0, out, 2, type == IndexType.IVFPQ ? TARGET : null, null, live, maxGrowth);
    }
}
