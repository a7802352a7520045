package dev.faissrebuild.deployer;

import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After every decision, the staging of the rebuilds decided before it goes: a full disk must not stay
 * full of failed rebuilds until someone runs {@code maintenance cleanup}. Kept: the rebuild just decided
 * (its offset is committed after this, so a redelivery must still find its ledger) and the newest failed
 * one, for inspection.
 */
final class StagingJanitor {
    private static final Logger LOG = LoggerFactory.getLogger(StagingJanitor.class);
    private final IndicesLayout layout;
    private final RebuildLedger ledger;

    StagingJanitor(IndicesLayout layout, RebuildLedger ledger) {
        this.layout = layout;
        this.ledger = ledger;
    }

    void afterDecision(String justDecided) {
        // never waits: an operator's restore or cleanup holds the lock; the next decision tries again
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "deployer: staging of decided rebuilds", Duration.ZERO)) {
            Map<String, SpecificRecord> decided = ledger.decided();
            String newestFailed = decided.entrySet().stream().filter(e -> e.getValue() instanceof DeployFailed)
                    .map(Map.Entry::getKey).max(String::compareTo).orElse(null); // rebuild ids sort by time
            for (var e : decided.entrySet()) {
                String id = e.getKey();
                if (id.equals(justDecided) || id.equals(newestFailed)) continue;
                GenerationStore.deleteAside(layout.staging(id));
                LOG.info("event=staging_removed rebuild={} result={}", id, e.getValue() instanceof GenerationDeployed ? "deployed" : "failed");
            }
        } catch (IndicesLock.BusyException e) {
            LOG.debug("event=staging_cleanup_skipped reason=\"{}\"", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=staging_cleanup_failed error=\"{}\"", e.toString());
        }
    }
}
