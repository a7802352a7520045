package dev.faissrebuild.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.events.CancelRebuild;
import dev.faissrebuild.events.CommandResult;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may cancel what, and the deadline of scheduler.max_rebuild_duration_hours. */
class RebuildCancelsTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    final RebuildStatusView view = new RebuildStatusView();

    @Test
    void aRebuildStillUndecidedPastTheLimitIsCancelledOnceNamingTheLimit() {
        view.fold(requested("r1", "24h/ivfpq", NOW));
        view.fold(requested("r2", "6h/flatip", NOW.plus(Duration.ofHours(3))));
        RebuildCancels at = cancels(NOW.plus(Duration.ofHours(4)).plusSeconds(1));
        List<Outgoing> out = at.overdue();
        assertThat(out).singleElement().satisfies(o -> {
            RebuildCancelled c = (RebuildCancelled) o.event();
            assertThat(c.getRebuildId()).isEqualTo("r1");
            assertThat(c.getIndexKeys()).as("the whole rebuild").isEmpty();
            assertThat(c.getRebuildKeys()).containsExactly("24h/ivfpq");
            assertThat(c.getReason()).contains("scheduler.max_rebuild_duration_hours = 4 h");
            assertThat(c.getCancelId()).isNull();
        });
        assertThat(at.overdue()).as("not cancelled twice").isEmpty();
    }

    @Test
    void anOperatorsCancelIsAnsweredAndARebuildThatEndedIsNotCancelled() {
        view.fold(requested("r1", "24h/ivfpq", NOW));
        RebuildCancels cancels = cancels(NOW.plusSeconds(60));
        List<Outgoing> out = cancels.cancel(cancel("x1", "r1", List.of("24h/ivfpq")));
        assertThat(out).hasSize(2);
        assertThat(((RebuildCancelled) out.getFirst().event()).getIndexKeys()).containsExactly("24h/ivfpq");
        assertThat(((CommandResult) out.getLast().event()).getAcceptedKeys()).containsExactly("24h/ivfpq");

        assertThat(refusal(cancels.cancel(cancel("x2", "r9", List.of())))).isEqualTo("no rebuild r9 is known");
        assertThat(refusal(cancels.cancel(cancel("x3", "r1", List.of("6h/flatip"))))).contains("does not build 6h/flatip");

        view.fold(requested("r2", "12h/flatip", NOW));
        view.fold(GenerationDeployed.newBuilder().setRebuildId("r2").setGenerationId("g2").setPreviousGenerationId(null)
                .setTrigger(TriggerType.MANUAL).setDeployedAt(NOW).setRebuildSeconds(5).setSwapMillis(1).setFiles(List.of()).build());
        assertThat(refusal(cancels.cancel(cancel("x4", "r2", List.of())))).startsWith("rebuild r2 already deployed generation g2");
    }

    private RebuildCancels cancels(Instant now) {
        return new RebuildCancels(view, Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(4));
    }

    private static String refusal(List<Outgoing> out) {
        assertThat(out).singleElement();
        return ((CommandResult) out.getFirst().event()).getRejectedReason();
    }

    static CancelRebuild cancel(String id, String rebuild, List<String> keys) {
        return CancelRebuild.newBuilder().setCancelId(id).setRebuildId(rebuild).setIndexKeys(keys).setRequestedBy("t").setReason("")
                .setRequestedAt(NOW).build();
    }

    static RebuildRequested requested(String id, String key, Instant at) {
        IndexKey k = IndexKey.parse(key);
        return RebuildRequested.newBuilder().setRebuildId(id).setIndexKey(key).setHorizonHours(k.horizon().hours())
                .setIndexType(k.type().code()).setTrigger(TriggerType.MANUAL).setCommandId(null).setRequestedBy("t")
                .setRequestedAt(at).setForce(false).setRebuildKeys(List.of(key)).setFactory(null).build();
    }
}
