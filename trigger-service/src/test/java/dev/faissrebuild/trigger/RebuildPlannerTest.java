package dev.faissrebuild.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.RebuildCommand;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebuildPlannerTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    @TempDir Path dir;
    final RebuildStatusView view = new RebuildStatusView();

    RebuildPlanner planner(Clock clock) {
        return new RebuildPlanner(view, IndexKey.all(), new EmbeddingsChanges(dir.resolve("embeddings"), new IndicesLayout(dir.resolve("indices"))),
                clock, Duration.ofHours(4), 3, Duration.ofHours(24));
    }

    static RebuildCommand command(List<Integer> horizons, List<String> types) {
        return RebuildCommand.newBuilder().setCommandId("c1").setHorizons(horizons).setIndexTypes(types).setForce(false)
                .setTrigger(TriggerType.MANUAL).setRequestedBy("test").setReason("").setRequestedAt(NOW).build();
    }

    @Test
    void aCommandBecomesOneRequestPerIndexWithOneRebuildId() {
        RebuildPlanner.Plan plan = planner(Clock.fixed(NOW, ZoneOffset.UTC)).command(command(List.of(6, 24), List.of()));
        assertThat(plan.accepted()).hasSize(4);
        List<RebuildRequested> requests = plan.events().stream().filter(o -> o.topic().equals(Topics.REBUILD_REQUESTED))
                .map(o -> (RebuildRequested) o.event()).toList();
        assertThat(requests).hasSize(4).allSatisfy(r -> {
            assertThat(r.getRebuildId()).isEqualTo(plan.rebuildId());
            assertThat(r.getRebuildKeys()).containsExactly("6h/flatip", "6h/ivfpq", "24h/flatip", "24h/ivfpq");
            assertThat(r.getTrigger()).isEqualTo(TriggerType.MANUAL);
        });
        assertThat(plan.events()).filteredOn(o -> o.topic().equals(Topics.REBUILD_REQUESTED)).extracting(o -> o.key())
                .containsExactly("6h/flatip", "6h/ivfpq", "24h/flatip", "24h/ivfpq");
        assertThat(plan.events()).filteredOn(o -> o.topic().equals(Topics.COMMAND_RESULTS)).hasSize(1);
    }

    @Test
    void aRequestForIndicesBeingRebuiltIsCoalesced() {
        RebuildPlanner planner = planner(Clock.fixed(NOW, ZoneOffset.UTC));
        RebuildPlanner.Plan first = planner.command(command(List.of(6), List.of()));
        RebuildPlanner.Plan second = planner.command(command(List.of(6, 12), List.of()));
        assertThat(second.coalesced()).containsOnlyKeys(IndexKey.parse("6h/flatip"), IndexKey.parse("6h/ivfpq"))
                .containsValue(first.rebuildId());
        assertThat(second.accepted()).containsExactly(IndexKey.parse("12h/flatip"), IndexKey.parse("12h/ivfpq"));
        // once the first rebuild ends, the same indices are accepted again
        view.fold(deployed(first.rebuildId()));
        assertThat(planner.command(command(List.of(6), List.of())).accepted()).hasSize(2);
    }

    @Test
    void aRebuildOlderThanTheLimitNoLongerHoldsItsIndices() {
        RebuildPlanner.Plan first = planner(Clock.fixed(NOW, ZoneOffset.UTC)).command(command(List.of(48), List.of("ivfpq")));
        RebuildPlanner.Plan later = planner(Clock.fixed(NOW.plus(Duration.ofHours(5)), ZoneOffset.UTC)).command(command(List.of(48), List.of("ivfpq")));
        assertThat(first.accepted()).hasSize(1);
        assertThat(later.accepted()).hasSize(1);
        assertThat(later.rebuildId()).isNotEqualTo(first.rebuildId());
    }

    @Test
    void scheduledRebuildsCoolDownAfterConsecutiveFailures() {
        for (int i = 0; i < 3; i++) view.fold(failed("r" + i, NOW.minus(Duration.ofHours(3 - i))));
        assertThat(view.consecutiveFailures()).isEqualTo(3);
        RebuildPlanner.Plan during = planner(Clock.fixed(NOW, ZoneOffset.UTC)).scheduled();
        assertThat(during.accepted()).isEmpty();
        assertThat(during.skipped()).hasSize(8).allSatisfy((k, why) -> assertThat(why).contains("3 consecutive failed rebuilds"));
        // an operator's command is not held back by the cool-down
        assertThat(planner(Clock.fixed(NOW, ZoneOffset.UTC)).command(command(List.of(), List.of())).accepted()).hasSize(8);
        // 25 h later the cool-down is over (and the operator's rebuild, 25 h old, counts as abandoned)
        RebuildPlanner.Plan after = planner(Clock.fixed(NOW.plus(Duration.ofHours(25)), ZoneOffset.UTC)).scheduled();
        assertThat(after.accepted()).hasSize(8);
    }

    @Test
    void anEventWithAnInvalidRebuildIdHoldsNoIndex() {
        view.fold(built("../../etc", "6h/flatip")); // every worker refuses it, so it would never end
        assertThat(view.inProgress()).isEmpty();
        assertThat(planner(Clock.fixed(NOW, ZoneOffset.UTC)).command(command(List.of(6), List.of("flatip"))).accepted()).hasSize(1);
    }

    @Test
    void theViewIsTheSameWhateverOrderTopicsAreReadIn() {
        RebuildStatusView a = new RebuildStatusView();
        RebuildStatusView b = new RebuildStatusView();
        List<SpecificRecord> inOrder = List.of(requested("r9", "6h/flatip"), built("r9", "6h/flatip"), deployed("r9"));
        inOrder.forEach(a::fold);
        inOrder.reversed().forEach(b::fold);
        for (RebuildStatusView v : List.of(a, b)) {
            assertThat(v.inProgress()).isEmpty();
            assertThat(v.rebuild("r9").orElseThrow().result).isEqualTo("deployed");
            assertThat(v.lastPerIndex().get(IndexKey.parse("6h/flatip")).stage()).isEqualTo(RebuildStatusView.Stage.DEPLOYED);
            assertThat(v.history()).hasSize(1);
        }
    }

    static RebuildRequested requested(String id, String key) {
        IndexKey k = IndexKey.parse(key);
        return RebuildRequested.newBuilder().setRebuildId(id).setIndexKey(key).setHorizonHours(k.horizon().hours())
                .setIndexType(k.type().code()).setTrigger(TriggerType.MANUAL).setCommandId(null).setRequestedBy("t")
                .setRequestedAt(NOW).setForce(false).setRebuildKeys(List.of(key)).setFactory(null).build();
    }

    static IndexBuilt built(String id, String key) {
        return IndexBuilt.newBuilder().setRebuildId(id).setIndexKey(key).setRebuildKeys(List.of(key)).setTrigger(TriggerType.MANUAL)
                .setRequestedAt(NOW).setStagedPath("staging/" + id + "/x.faiss").setSha256("00").setSizeBytes(1).setDimension(8)
                .setNtotal(10).setFactory("Flat").setMetric("inner_product").setNlist(0).setNprobe(0).setPqM(0).setTrainingRows(0)
                .setBuildSeconds(1).setPeakRssBytes(1).setEmbeddingsPath("e.npy").setEmbeddingsSha256("00").setEmbeddingsRows(10)
                .setBuiltAt(NOW).build();
    }

    static GenerationDeployed deployed(String id) {
        return GenerationDeployed.newBuilder().setRebuildId(id).setGenerationId("g-" + id).setPreviousGenerationId(null)
                .setTrigger(TriggerType.MANUAL).setFiles(List.of()).setBackupId(null).setSwapMillis(1).setRebuildSeconds(10)
                .setDeployedAt(NOW).build();
    }

    static DeployFailed failed(String id, Instant at) {
        return DeployFailed.newBuilder().setRebuildId(id).setTrigger(TriggerType.SCHEDULED).setReason("boom").setFailedKeys(List.of())
                .setLiveGenerationId(null).setGenerationId(null).setRebuildSeconds(10).setFailedAt(at).build();
    }
}
