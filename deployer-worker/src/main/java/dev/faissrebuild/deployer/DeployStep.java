package dev.faissrebuild.deployer;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.IndexKey;
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

    public DeployStep(IndicesLayout layout, Deployment deployment) {
        this.ledger = new RebuildLedger(layout);
        this.deployment = deployment;
    }

    @Override
    public List<Outgoing> process(Incoming in) throws Exception {
        SpecificRecord event = in.event();
        if (event instanceof IndexBuilt) return List.of(); // only its verdict matters here
        RebuildRef ref = RebuildRef.of(event);
        ledger.record(ref.rebuildId(), ref.key(), event);
        Map<IndexKey, SpecificRecord> outcomes = ledger.outcomes(ref.rebuildId(), ref.keys());
        if (outcomes.size() < ref.keys().size()) return List.of();
        var decided = ledger.result(ref.rebuildId());
        List<SpecificRecord> results = decided.isPresent()
                ? List.of(decided.get()) // decided before a crash or a redelivery: say it again, do not redo it
                : deployment.decide(ref, outcomes);
        if (decided.isEmpty()) ledger.saveResult(ref.rebuildId(), results.getLast());
        return results.stream().map(r -> new Outgoing(Topics.INDEX_DEPLOYED, ref.rebuildId(), r)).toList();
    }

    /** Which rebuild and index an outcome belongs to, and every index of that rebuild. */
    record RebuildRef(String rebuildId, IndexKey key, List<IndexKey> keys, SpecificRecord event) {
        static RebuildRef of(SpecificRecord e) throws PermanentFailure {
            try {
                return switch (e) {
                    case IndexValidated v -> new RebuildRef(v.getRebuildId(), IndexKey.parse(v.getIndexKey()), keys(v.getRebuildKeys()), e);
                    case IndexRejected r -> new RebuildRef(r.getRebuildId(), IndexKey.parse(r.getIndexKey()), keys(r.getRebuildKeys()), e);
                    case BuildFailed f -> new RebuildRef(f.getRebuildId(), IndexKey.parse(f.getIndexKey()), keys(f.getRebuildKeys()), e);
                    default -> throw new PermanentFailure("deployer does not handle " + e.getSchema().getName());
                };
            } catch (IllegalArgumentException ex) {
                throw new PermanentFailure("outcome event is not valid: " + ex.getMessage(), ex);
            }
        }

        private static List<IndexKey> keys(List<String> keys) {
            if (keys.isEmpty()) throw new IllegalArgumentException("rebuild_keys is empty");
            return keys.stream().map(IndexKey::parse).sorted().toList();
        }
    }
}
