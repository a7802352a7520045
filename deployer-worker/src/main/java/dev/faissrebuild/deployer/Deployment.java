package dev.faissrebuild.deployer;

import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a complete rebuild: when every index passed, assembles the new generation (rebuilt files
 * from staging, the others carried over from the live generation), switches {@code current} to it
 * under the indices lock, verifies the live set and switches back if that fails. When any index
 * failed, nothing changes on disk and the reasons are reported.
 */
public final class Deployment {
    private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);
    private final IndicesLayout layout;
    private final List<IndexKey> allKeys;
    private final GenerationStore store;
    private final GenerationSwitch generationSwitch;
    private final LiveSetVerifier verifier;
    private final Duration lockWait;

    public Deployment(IndicesLayout layout, Path embeddingsDir, List<IndexKey> allKeys, int verifyQueries, Duration lockWait) {
        this.layout = layout;
        this.allKeys = List.copyOf(allKeys);
        this.store = new GenerationStore(layout);
        this.generationSwitch = new GenerationSwitch(layout);
        this.verifier = new LiveSetVerifier(layout, embeddingsDir, verifyQueries);
        this.lockWait = lockWait;
    }

    List<SpecificRecord> decide(DeployStep.RebuildRef ref, Map<IndexKey, SpecificRecord> outcomes) throws IOException {
        Instant requestedAt = requestedAt(outcomes.values().iterator().next());
        TriggerType trigger = trigger(outcomes.values().iterator().next());
        List<String> failures = new ArrayList<>();
        outcomes.forEach((key, o) -> {
            if (o instanceof IndexRejected r) failures.add(key + " rejected: " + r.getReason());
            if (o instanceof BuildFailed f) failures.add(key + " failed to build: " + f.getReason());
        });
        if (!failures.isEmpty()) {
            return List.of(failed(ref.rebuildId(), trigger, requestedAt, "nothing deployed: " + String.join("; ", failures),
                    failures.stream().map(f -> f.substring(0, f.indexOf(' '))).toList(), null));
        }
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "deployer: deploy rebuild " + ref.rebuildId(), lockWait)) {
            return deploy(ref.rebuildId(), trigger, requestedAt, outcomes);
        }
    }

    private List<SpecificRecord> deploy(String rebuildId, TriggerType trigger, Instant requestedAt,
                                        Map<IndexKey, SpecificRecord> outcomes) throws IOException {
        Optional<String> previous = layout.liveGenerationId();
        Optional<GenerationManifest> live = layout.liveManifest();
        String generationId = GenerationStore.newId(requestedAt, rebuildId);
        List<GenerationManifest.Entry> entries = new ArrayList<>();
        Map<String, Path> sources = new HashMap<>();
        for (IndexKey key : allKeys) {
            if (outcomes.get(key) instanceof IndexValidated v) {
                entries.add(ManifestEntries.rebuilt(key, v));
                sources.put(key.fileName(), layout.root().resolve(v.getBuilt().getStagedPath()));
            } else if (live.flatMap(m -> m.entry(key.toString())).isPresent()) {
                GenerationManifest.Entry carried = live.get().entry(key.toString()).get();
                entries.add(ManifestEntries.carriedOver(carried));
                sources.put(key.fileName(), layout.generation(previous.get()).resolve(key.fileName()));
            } else {
                return List.of(failed(rebuildId, trigger, requestedAt, "nothing deployed: " + key + " was not rebuilt and there is no "
                        + "live generation to take it from; the first deployment needs every index", List.of(key.toString()), null));
            }
        }
        if (previous.isPresent() && previous.get().equals(generationId)) {
            return List.of(deployed(rebuildId, generationId, null, trigger, requestedAt, entries, 0)); // already live
        }
        GenerationManifest manifest = new GenerationManifest(1, generationId, Instant.now(), rebuildId, trigger.name(),
                previous.orElse(null), entries);
        store.write(manifest, sources);
        long t0 = System.nanoTime();
        generationSwitch.switchTo(generationId, allKeys);
        double swapMillis = (System.nanoTime() - t0) / 1e6;
        CrashPoints.hit("deploy.after_switch");
        LOG.info("event=generation_switched rebuild={} generation={} previous={} swap_ms={}", rebuildId, generationId,
                previous.orElse("none"), String.format("%.3f", swapMillis));
        List<String> problems = verifier.verify(manifest);
        if (problems.isEmpty()) return List.of(deployed(rebuildId, generationId, previous.orElse(null), trigger, requestedAt, entries, swapMillis));
        return rollBack(rebuildId, trigger, requestedAt, generationId, previous, problems);
    }

    private List<SpecificRecord> rollBack(String rebuildId, TriggerType trigger, Instant requestedAt, String generationId,
                                          Optional<String> previous, List<String> problems) throws IOException {
        String reason = "post-deploy verification failed: " + String.join("; ", problems);
        LOG.error("event=verification_failed rebuild={} generation={} problems=\"{}\"", rebuildId, generationId, problems);
        List<SpecificRecord> out = new ArrayList<>();
        if (previous.isPresent()) {
            generationSwitch.switchTo(previous.get(), allKeys);
            LOG.warn("event=rolled_back rebuild={} from={} to={}", rebuildId, generationId, previous.get());
            out.add(RolledBack.newBuilder().setRollbackId("rb-" + UUID.randomUUID()).setRebuildId(rebuildId)
                    .setFromGenerationId(generationId).setToGenerationId(previous.get()).setReason(reason).setAutomatic(true)
                    .setRolledBackAt(Instant.now()).build());
        }
        out.add(failed(rebuildId, trigger, requestedAt, reason + (previous.isPresent() ? "; rolled back to " + previous.get()
                : "; no previous generation to roll back to"), allKeys.stream().map(IndexKey::toString).toList(), generationId));
        return out;
    }

    private GenerationDeployed deployed(String rebuildId, String generationId, String previous, TriggerType trigger,
                                        Instant requestedAt, List<GenerationManifest.Entry> entries, double swapMillis) {
        List<DeployedFile> files = entries.stream().map(ManifestEntries::deployedFile).toList();
        return GenerationDeployed.newBuilder().setRebuildId(rebuildId).setGenerationId(generationId)
                .setPreviousGenerationId(previous).setTrigger(trigger).setFiles(files).setBackupId(null)
                .setSwapMillis(swapMillis).setRebuildSeconds(secondsSince(requestedAt)).setDeployedAt(Instant.now()).build();
    }

    private DeployFailed failed(String rebuildId, TriggerType trigger, Instant requestedAt, String reason, List<String> keys,
                                String generationId) {
        LOG.warn("event=deploy_failed rebuild={} reason=\"{}\"", rebuildId, reason);
        return DeployFailed.newBuilder().setRebuildId(rebuildId).setTrigger(trigger).setReason(reason).setFailedKeys(keys)
                .setLiveGenerationId(layout.liveGenerationId().orElse(null)).setGenerationId(generationId)
                .setRebuildSeconds(secondsSince(requestedAt)).setFailedAt(Instant.now()).build();
    }

    private static double secondsSince(Instant t) {
        return Duration.between(t, Instant.now()).toMillis() / 1000.0;
    }

    private static Instant requestedAt(SpecificRecord e) {
        return switch (e) {
            case IndexValidated v -> v.getRequestedAt();
            case IndexRejected r -> r.getRequestedAt();
            case BuildFailed f -> f.getRequestedAt();
            default -> Instant.now();
        };
    }

    private static TriggerType trigger(SpecificRecord e) {
        return switch (e) {
            case IndexValidated v -> v.getTrigger();
            case IndexRejected r -> r.getTrigger();
            case BuildFailed f -> f.getTrigger();
            default -> TriggerType.UNKNOWN;
        };
    }
}
