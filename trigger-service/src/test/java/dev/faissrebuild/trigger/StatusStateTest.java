package dev.faissrebuild.trigger;

import static dev.faissrebuild.trigger.RebuildPlannerTest.NOW;
import static dev.faissrebuild.trigger.RebuildPlannerTest.built;
import static dev.faissrebuild.trigger.RebuildPlannerTest.deployed;
import static dev.faissrebuild.trigger.RebuildPlannerTest.failed;
import static dev.faissrebuild.trigger.RebuildPlannerTest.requested;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.Alert;
import dev.faissrebuild.events.AlertState;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.SkippedIndex;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.runtime.http.Health.ActiveAlert;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.state.DurableState.StateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The status view written as state entries and restored from them: the same view, nothing announced twice. */
class StatusStateTest {
    final RebuildStatusView view = new RebuildStatusView();

    @Test
    void aRestoredViewIsTheViewThatWasWritten() {
        StatusState state = new StatusState(view, null);
        view.started(NOW.minus(Duration.ofDays(3)));
        fold(state, requested("r1", "6h/flatip"), built("r1", "6h/flatip"), deployed("r1"));
        for (int i = 0; i < 3; i++) fold(state, failed("f" + i, NOW.plusSeconds(i)));
        fold(state, CommandResult.newBuilder().setCommandId("c1").setRebuildId(null).setAcceptedKeys(List.of())
                .setCoalesced(List.of()).setSkipped(List.of(SkippedIndex.newBuilder().setIndexKey("6h/flatip").setReason("unchanged").build()))
                .setDecidedAt(NOW).build());
        view.skippedRun(new StatusRecords.SkippedRun(NOW, "3 consecutive failed rebuilds", NOW.plus(Duration.ofHours(24))));
        view.setFiring(List.of(new ActiveAlert("FAISSRebuildConsecutiveFailures", "critical", "3 failed", NOW)));

        RebuildStatusView restored = restore(state.drainChanges());
        assertThat(restored.consecutiveFailures()).isEqualTo(3);
        assertThat(restored.lastSuccess().orElseThrow().rebuildId()).isEqualTo("r1");
        assertThat(restored.lastFailure().orElseThrow().rebuildId()).isEqualTo("f2");
        assertThat(restored.history()).extracting(RebuildStatusView.Finished::rebuildId).containsExactly("r1", "f0", "f1", "f2");
        assertThat(restored.firstStartedAt()).contains(NOW.minus(Duration.ofDays(3)));
        assertThat(restored.rebuild("r1").orElseThrow().result).isEqualTo("deployed");
        assertThat(restored.lastPerIndex()).isEqualTo(view.lastPerIndex());
        assertThat(restored.command("c1").orElseThrow().skipped()).containsEntry("6h/flatip", "unchanged");
        assertThat(restored.lastSkippedRun().orElseThrow().reason()).contains("3 consecutive");
        assertThat(restored.cooldownUntil(3, Duration.ofHours(24), NOW)).isEqualTo(view.cooldownUntil(3, Duration.ofHours(24), NOW)).isPresent();
        assertThat(restored.firing()).extracting(ActiveAlert::name).containsExactly("FAISSRebuildConsecutiveFailures");
        // nothing is dirty after a restore, and a result folded again is not counted again
        assertThat(restoredState.drainChanges()).isEmpty();
        fold(restoredState, failed("f2", NOW.plusSeconds(2)));
        assertThat(restored.consecutiveFailures()).isEqualTo(3);
    }

    @Test
    void theFirstStartIsKeptAcrossStarts() {
        view.started(NOW);
        RebuildStatusView restored = restore(new StatusState(view, null).drainChanges());
        restored.started(NOW.plus(Duration.ofDays(1)));
        assertThat(restored.firstStartedAt()).contains(NOW);
    }

    @Test
    void evictedRebuildsAreDeletedFromTheStateTopic() {
        StatusState state = new StatusState(view, null);
        for (int i = 0; i < 201; i++) fold(state, requested(String.format("r%03d", i), "6h/flatip"));
        List<StateChange> changes = state.drainChanges();
        assertThat(changes).filteredOn(c -> c.key().equals("rebuild/r000")).singleElement().extracting(StateChange::value).isNull();
        assertThat(restore(changes).rebuilds()).hasSize(200);
    }

    @Test
    void eachAlertTransitionIsPublishedOnceAndARestoreDoesNotRepeatIt() {
        AtomicReference<List<ActiveAlert>> rules = new AtomicReference<>(List.of());
        StatusState state = new StatusState(view, new AlertMonitor(view, now -> rules.get(), "test"));
        ActiveAlert low = new ActiveAlert("FAISSIndexLowRecall", "critical", "24h/ivfpq recall 0.8", NOW, Map.of("index", "24h/ivfpq"));
        ActiveAlert low48 = new ActiveAlert("FAISSIndexLowRecall", "critical", "48h/ivfpq recall 0.8", NOW, Map.of("index", "48h/ivfpq"));
        assertThat(state.tick(NOW)).isEmpty();
        rules.set(List.of(low, low48));
        List<Outgoing> fired = state.tick(NOW);
        assertThat(fired).hasSize(2).allSatisfy(o -> {
            assertThat(o.topic()).isEqualTo(Topics.ALERTS);
            assertThat(((Alert) o.event()).getState()).isEqualTo(AlertState.FIRING);
        });
        assertThat(state.tick(NOW.plusSeconds(2))).isEmpty(); // still firing: nothing new
        List<StateChange> written = state.drainChanges();

        RebuildStatusView restored = restore(written);
        StatusState after = new StatusState(restored, new AlertMonitor(restored, now -> rules.get(), "test"));
        assertThat(after.tick(NOW.plusSeconds(4))).isEmpty(); // a restart does not announce them again
        rules.set(List.of(low48));
        List<Outgoing> resolved = after.tick(NOW.plusSeconds(6));
        assertThat(resolved).singleElement().satisfies(o -> {
            Alert a = (Alert) o.event();
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.getLabels()).containsEntry("index", "24h/ivfpq");
            assertThat(a.getAlertId()).isEqualTo(((Alert) fired.getFirst().event()).getAlertId());
        });
    }

    private RebuildStatusView restored;
    private StatusState restoredState;

    private RebuildStatusView restore(List<StateChange> changes) {
        Map<String, byte[]> entries = new HashMap<>();
        for (StateChange c : changes) {
            if (c.value() == null) entries.remove(c.key());
            else entries.put(c.key(), c.value());
        }
        restored = new RebuildStatusView();
        restoredState = new StatusState(restored, null);
        restoredState.restore(entries);
        return restored;
    }

    private static void fold(StatusState state, SpecificRecord... events) {
        for (SpecificRecord e : events) state.fold(new Incoming("t", 0, 0, "k", e));
    }

    static Instant at(int seconds) {
        return NOW.plusSeconds(seconds);
    }
}
