package dev.faissrebuild.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faissrebuild.deployer.testing.TestGenerations;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackTest {
    static final Instant T0 = Instant.parse("2025-06-01T02:00:00Z");
    @TempDir Path dir;
    IndicesLayout layout;
    GenerationManifest g1;
    GenerationManifest g2;
    GenerationManifest g3;

    @BeforeEach
    void setUp() {
        layout = new IndicesLayout(dir.resolve("indices"));
        g1 = TestGenerations.deployAll(layout, "r20250601T020000Z-aaaaaa", T0, 1);
        g2 = TestGenerations.deploy(layout, "r20250602T020000Z-bbbbbb", T0.plusSeconds(86400), List.of(IndexKey.parse("24h/flatip")), 2);
        g3 = TestGenerations.deploy(layout, "r20250603T020000Z-cccccc", T0.plusSeconds(2 * 86400), List.of(IndexKey.parse("48h/ivfpq")), 3);
    }

    RolledBack rollback(Optional<String> to, LiveExpectation expected) throws Exception {
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "test: rollback", Duration.ofSeconds(5))) {
            return new Rollback(layout).run(lock, to, expected, "test");
        }
    }

    @Test
    void toThePreviousGenerationThenFurtherBack() throws Exception {
        RolledBack first = rollback(Optional.empty(), LiveExpectation.any());
        assertThat(first.getFromGenerationId()).isEqualTo(g3.generationId());
        assertThat(first.getToGenerationId()).isEqualTo(g2.generationId());
        assertThat(first.getAutomatic()).isFalse();
        assertThat(first.getRebuildId()).isNull();
        assertThat(layout.liveGenerationId()).contains(g2.generationId());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g2.generationId())));

        // the predecessor of g2 is g1: a second rollback goes one further back
        rollback(Optional.empty(), LiveExpectation.any());
        assertThat(layout.liveGenerationId()).contains(g1.generationId());
        assertThatThrownBy(() -> rollback(Optional.empty(), LiveExpectation.any())).isInstanceOf(OperationRefused.class)
                .hasMessageContaining("has no previous generation on record; name one with --to")
                .hasMessageContaining(g3.generationId());
    }

    @Test
    void toANamedGeneration() throws Exception {
        RolledBack r = rollback(Optional.of(g1.generationId()), LiveExpectation.exactly(Optional.of(g3.generationId())));
        assertThat(r.getToGenerationId()).isEqualTo(g1.generationId());
        assertThat(TestGenerations.liveChecksums(layout)).isEqualTo(TestGenerations.checksums(layout.generation(g1.generationId())));
        rollback(Optional.of(g3.generationId()), LiveExpectation.any()); // and forward again
        assertThat(layout.liveGenerationId()).contains(g3.generationId());
    }

    @Test
    void refusals() throws Exception {
        assertThatThrownBy(() -> rollback(Optional.of("g20990101T000000Z-nope"), LiveExpectation.any())).isInstanceOf(OperationRefused.class)
                .hasMessageContaining("generation g20990101T000000Z-nope does not exist");
        assertThatThrownBy(() -> rollback(Optional.of(g3.generationId()), LiveExpectation.any())).isInstanceOf(OperationRefused.class)
                .hasMessageContaining("is already live");
        assertThatThrownBy(() -> rollback(Optional.of("../../etc"), LiveExpectation.any())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generation id '../../etc' is not allowed");
        // the operator confirmed "over g2", but g3 is live: nothing happens
        assertThatThrownBy(() -> rollback(Optional.empty(), LiveExpectation.exactly(Optional.of(g2.generationId()))))
                .isInstanceOf(OperationRefused.class).hasMessageContaining("changed from " + g2.generationId() + " to " + g3.generationId());
        // an incomplete target is refused
        Files.delete(layout.generation(g2.generationId()).resolve("faiss_6h_flatip.faiss"));
        assertThatThrownBy(() -> rollback(Optional.empty(), LiveExpectation.any())).isInstanceOf(OperationRefused.class)
                .hasMessageContaining("is incomplete: faiss_6h_flatip.faiss is missing");
        assertThat(layout.liveGenerationId()).contains(g3.generationId());
    }

    @Test
    void nothingLive() throws Exception {
        Files.delete(layout.current());
        assertThatThrownBy(() -> rollback(Optional.empty(), LiveExpectation.any())).isInstanceOf(OperationRefused.class)
                .hasMessageContaining("there is no live generation");
    }
}
