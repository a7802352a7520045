package dev.faissrebuild.deployer;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.loop.EventProcessor;
import dev.faissrebuild.runtime.loop.Incoming;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.runtime.loop.PermanentFailure;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The deployer worker's logic: collects the final outcome of every index of a rebuild (validated,
 * rejected, or failed to build) and, once all are in, either publishes the set as a new generation
 * or reports why nothing was deployed. Only this worker changes what is live.
 */
public final class DeployStep implements EventProcessor {
    private final RebuildLedger ledger;
    private final Deployment deployment;
    private final StagingJanitor janitor;

    public DeployStep(IndicesLayout layout, Deployment deployment) {
        this.ledger = new RebuildLedger(layout);
        this.deployment = deployment;
        this.janitor = new StagingJanitor(layout, ledger);
    }

    @Override
    public List<Outgoing> process(Incoming in) throws Exception {
        SpecificRecord event = in.event();
        if (event instanceof IndexBuilt) return List.of(); // only its verdict matters here
        if (event instanceof RebuildCancelled c) return cancelled(c);
        RebuildRef ref = RebuildRef.of(event);
        if (!ref.key().toString().equals(in.key())) {
            throw new PermanentFailure("record key '" + in.key() + "' and index_key " + ref.key() + " name different indices");
        }
        ledger.record(ref.rebuildId(), ref.key(), event);
        if (ledger.decidedByCancel(ref.rebuildId())) return List.of(); // the cancellation said it all
        return decideIfComplete(ref);
    }

    /**
     * Decides once every index has its outcome or is cancelled. A cancelled index is not rebuilt: its live
     * file is carried over (a partial cancel deploys the rest).
     */
    private List<Outgoing> decideIfComplete(RebuildRef ref) throws Exception {
        Map<IndexKey, SpecificRecord> outcomes = ledger.outcomes(ref.rebuildId(), ref.keys());
        List<String> cancelledKeys = ledger.cancelled(ref.rebuildId()).map(RebuildCancelled::getIndexKeys).orElse(null);
        if (cancelledKeys != null) outcomes.keySet().removeIf(k -> cancelledKeys.contains(k.toString()));
        long cancelled = cancelledKeys == null ? 0 : ref.keys().stream().filter(k -> cancelledKeys.contains(k.toString())).count();
        if (outcomes.size() + cancelled < ref.keys().size()) return List.of();
        var decided = ledger.result(ref.rebuildId());
        List<SpecificRecord> results;
        try {
            results = decided.isPresent()
                    ? List.of(decided.get()) // decided before a crash or a redelivery: say it again, do not redo it
                    : deployment.decide(ref, outcomes);
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("rebuild " + ref.rebuildId() + " cannot be deployed: " + e.getMessage(), e); // retrying cannot help
        }
        if (decided.isEmpty()) {
            String commandId = commandId(outcomes.values());
            results.forEach(r -> withCommand(r, commandId));
            ledger.saveResult(ref.rebuildId(), results.getLast());
            janitor.afterDecision(ref.rebuildId());
            deployment.forgetStaged(ref.rebuildId());
        }
        return results.stream().map(r -> new Outgoing(Topics.INDEX_DEPLOYED, ref.rebuildId(), r)).toList();
    }

    /**
     * A cancellation of the whole rebuild ends it at once (DeployFailed naming the indices still pending);
     * one of some of its indices waits for the others, which then deploy with the cancelled ones carried over.
     */
    private List<Outgoing> cancelled(RebuildCancelled c) throws Exception {
        RebuildRef ref;
        try {
            ConfinedPaths.requireSimpleName(c.getRebuildId(), "rebuild id");
            ref = new RebuildRef(c.getRebuildId(), RebuildRef.keys(c.getRebuildKeys()).getFirst(), RebuildRef.keys(c.getRebuildKeys()), c);
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("RebuildCancelled is not valid: " + e.getMessage(), e);
        }
        var decided = ledger.result(c.getRebuildId());
        if (decided.isPresent()) {
            // decided already: only a redelivered cancellation that decided it says it again
            return ledger.decidedByCancel(c.getRebuildId()) ? List.of(new Outgoing(Topics.INDEX_DEPLOYED, c.getRebuildId(), decided.get())) : List.of();
        }
        ledger.cancel(c);
        List<String> keys = ledger.cancelled(c.getRebuildId()).orElseThrow().getIndexKeys();
        if (!keys.isEmpty() && !keys.containsAll(c.getRebuildKeys())) return decideIfComplete(ref);
        Map<IndexKey, SpecificRecord> outcomes = ledger.outcomes(c.getRebuildId(), ref.keys());
        List<String> pending = ref.keys().stream().filter(k -> !outcomes.containsKey(k)).map(IndexKey::toString).toList();
        DeployFailed failed = deployment.cancelled(c, pending);
        failed.setCommandId(c.getCommandId());
        ledger.saveResultOfCancel(c.getRebuildId(), failed);
        janitor.afterDecision(c.getRebuildId());
        return List.of(new Outgoing(Topics.INDEX_DEPLOYED, c.getRebuildId(), failed));
    }

    /**
     * A refused outcome still ends its rebuild: a DeployFailed saying why (once), so the trigger, the
     * CLI and the upstream hear of it instead of waiting for the rebuild's time limit.
     */
    @Override
    public List<Outgoing> onDeadLetter(Incoming in, String reason) {
        RebuildRef ref;
        try {
            ref = RebuildRef.of(in.event());
        } catch (PermanentFailure e) {
            return List.of(); // the event does not name a rebuild one can answer for
        }
        try {
            if (ledger.result(ref.rebuildId()).isPresent()) return List.of();
            DeployFailed failed = deployment.refused(ref, "nothing deployed: the outcome of " + ref.key() + " was refused: " + reason);
            failed.setCommandId(commandId(List.of(ref.event())));
            ledger.saveResult(ref.rebuildId(), failed);
            return List.of(new Outgoing(Topics.INDEX_DEPLOYED, ref.rebuildId(), failed));
        } catch (RuntimeException e) {
            return List.of(); // the dead letter itself still tells; nothing more can be said safely
        }
    }

    /** The command or upstream event that started the rebuild, as its outcomes carry it (null: the schedule, or an older builder). */
    static String commandId(java.util.Collection<SpecificRecord> outcomes) {
        return outcomes.stream().map(o -> switch (o) {
            case IndexValidated v -> v.getBuilt().getCommandId();
            case IndexRejected r -> r.getBuilt().getCommandId();
            case BuildFailed f -> f.getCommandId();
            default -> null;
        }).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** The decision names the command or event it answers, so whoever sent it can wait for this very deploy. */
    private static void withCommand(SpecificRecord result, String commandId) {
        if (result instanceof GenerationDeployed d && d.getCommandId() == null) d.setCommandId(commandId);
        if (result instanceof DeployFailed f && f.getCommandId() == null) f.setCommandId(commandId);
    }

    /** Which rebuild and index an outcome belongs to, and every index of that rebuild. */
    record RebuildRef(String rebuildId, IndexKey key, List<IndexKey> keys, SpecificRecord event) {
        static RebuildRef of(SpecificRecord e) throws PermanentFailure {
            try {
                return checked(switch (e) {
                    case IndexValidated v -> new RebuildRef(v.getRebuildId(), IndexKey.parse(v.getIndexKey()), keys(v.getRebuildKeys()), e);
                    case IndexRejected r -> new RebuildRef(r.getRebuildId(), IndexKey.parse(r.getIndexKey()), keys(r.getRebuildKeys()), e);
                    case BuildFailed f -> new RebuildRef(f.getRebuildId(), IndexKey.parse(f.getIndexKey()), keys(f.getRebuildKeys()), e);
                    default -> throw new PermanentFailure("deployer does not handle " + e.getSchema().getName());
                });
            } catch (IllegalArgumentException ex) {
                throw new PermanentFailure("outcome event is not valid: " + ex.getMessage(), ex);
            }
        }

        /** The rebuild id names a directory under staging/: it is checked here, before anything touches the disk. */
        private static RebuildRef checked(RebuildRef r) {
            ConfinedPaths.requireSimpleName(r.rebuildId(), "rebuild id");
            if (!r.keys().contains(r.key())) throw new IllegalArgumentException(r.key() + " is not one of its rebuild's keys " + r.keys());
            return r;
        }

        static List<IndexKey> keys(List<String> keys) {
            if (keys.isEmpty()) throw new IllegalArgumentException("rebuild_keys is empty");
            return keys.stream().map(IndexKey::parse).sorted().toList();
        }
    }
}
