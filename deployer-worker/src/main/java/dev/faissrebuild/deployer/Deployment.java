package dev.faissrebuild.deployer;

import dev.faissrebuild.deployer.backup.PreDeployBackup;
import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.DeployedFile;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.store.StagedArtifacts;
import dev.faissrebuild.store.StoredEmbeddings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a complete rebuild: when every index passed, assembles the new generation (rebuilt files from
 * staging, the others carried over from the live generation), switches {@code current} to it under the
 * indices lock, verifies the live set and switches back if that fails, then archives the replaced
 * generation (when configured). When any index failed, nothing changes on disk and the reasons are reported.
 *
 * <p>Crash points: {@code deploy.after_switch}, {@code deploy.after_backup} (the replaced generation
 * archived, the event not yet sent); and those of {@link GenerationStore}, {@link GenerationSwitch},
 * {@code BackupStore} and {@link Rollback}.
 */
public final class Deployment {
    private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);
    private final IndicesLayout layout;
    private final List<IndexKey> allKeys;
    private final GenerationStore store;
    private final GenerationSwitch generationSwitch;
    private final LiveSetVerifier verifier;
    private final Rollback rollback;
    private final Duration lockWait;
    private final PreDeployBackup preDeployBackup;
    private final DeployPolicy policy;
    private final GenerationSources generationSources;
    private GenerationPublisher publisher;

    /** Without backups before deploys. */
    public Deployment(IndicesLayout layout, Path embeddingsDir, List<IndexKey> allKeys, int verifyQueries, Duration lockWait) {
        this(layout, embeddingsDir, allKeys, verifyQueries, lockWait, null);
    }

    /** @param preDeployBackup null: no backup of the live generation before a deploy */
    public Deployment(IndicesLayout layout, Path embeddingsDir, List<IndexKey> allKeys, int verifyQueries, Duration lockWait,
                      PreDeployBackup preDeployBackup) {
        this(layout, embeddingsDir, allKeys, verifyQueries, lockWait, preDeployBackup, DeployPolicy.SAFE);
    }

    public Deployment(IndicesLayout layout, Path embeddingsDir, List<IndexKey> allKeys, int verifyQueries, Duration lockWait,
                      PreDeployBackup preDeployBackup, DeployPolicy policy) {
        this.policy = policy;
        this.layout = layout;
        this.allKeys = List.copyOf(allKeys);
        this.store = new GenerationStore(layout);
        this.generationSwitch = new GenerationSwitch(layout);
        this.verifier = new LiveSetVerifier(layout, embeddingsDir, verifyQueries);
        this.rollback = new Rollback(layout);
        this.lockWait = lockWait;
        this.preDeployBackup = preDeployBackup;
        this.generationSources = new GenerationSources(layout, this.allKeys, policy);
        this.publisher = GenerationPublisher.none(layout);
    }

    /** {@code artifacts.store}: staged files come from there, and every switch is mirrored there for serving hosts. */
    public Deployment withArtifacts(StagedArtifacts artifacts, GenerationPublisher publisher) {
        generationSources.use(artifacts);
        this.publisher = publisher;
        return this;
    }

    /** {@code paths.embeddings_dir = s3://...}: the verification's queries come from the cached embeddings, brought up to date first. */
    public Deployment withStoredEmbeddings(Optional<StoredEmbeddings> stored) {
        generationSources.use(stored);
        return this;
    }

    /** Once a rebuild is decided: its staged objects in the artifact store are no longer needed. */
    void forgetStaged(String rebuildId) {
        generationSources.forgetStaged(rebuildId);
    }

    List<SpecificRecord> decide(DeployStep.RebuildRef ref, Map<IndexKey, SpecificRecord> outcomes) throws IOException {
        Instant requestedAt = requestedAt(outcomes.values().iterator().next());
        TriggerType trigger = trigger(outcomes.values().iterator().next());
        List<String> failures = new ArrayList<>();
        outcomes.forEach((key, o) -> {
            if (o instanceof IndexRejected r && policy.waiver(r).isEmpty()) failures.add(key + " rejected: " + r.getReason());
            if (o instanceof BuildFailed f) failures.add(key + " failed to build: " + f.getReason());
        });
        if (!failures.isEmpty()) {
            return List.of(failed(ref.rebuildId(), trigger, requestedAt, "nothing deployed: " + String.join("; ", failures),
                    failures.stream().map(f -> f.substring(0, f.indexOf(' '))).toList(), null));
        }
        try (IndicesLock lock = IndicesLock.acquire(layout.lockFile(), "deployer: deploy rebuild " + ref.rebuildId(), lockWait)) {
            return deploy(lock, ref.rebuildId(), trigger, requestedAt, outcomes);
        }
    }

    private List<SpecificRecord> deploy(IndicesLock lock, String rebuildId, TriggerType trigger, Instant requestedAt,
                                        Map<IndexKey, SpecificRecord> outcomes) throws IOException {
        Optional<String> previous = layout.liveGenerationId();
        Optional<GenerationManifest> live = layout.liveManifest();
        if (preDeployBackup != null && preDeployBackup.settleOwed(lock, live, Instant.now()) instanceof PreDeployBackup.Outcome.Failed f) {
            // the live generation's predecessor would lose its rollback slot without an archive: refuse rather than lose a restore point
            return List.of(failed(rebuildId, trigger, requestedAt, "nothing deployed: " + f.reason() + " (the live generation's predecessor "
                    + "had no archive yet and deploy.backup_before_deploy is on, so the deploy was refused; the live set is unchanged)",
                    allKeys.stream().map(IndexKey::toString).toList(), null));
        }
        String generationId = GenerationStore.newId(requestedAt, rebuildId);
        GenerationSources.Collected collected;
        try {
            collected = generationSources.collect(previous, live, outcomes);
        } catch (java.nio.file.NoSuchFileException | dev.faissrebuild.store.ChecksumMismatchException e) {
            return List.of(failed(rebuildId, trigger, requestedAt, "nothing deployed: a staged file cannot be had: " + e.getMessage(),
                    allKeys.stream().map(IndexKey::toString).toList(), null));
        } catch (GenerationSources.MissingIndex m) {
            return List.of(failed(rebuildId, trigger, requestedAt, "nothing deployed: " + m.key + " was not rebuilt and there is no "
                    + "live generation to take it from; the first deployment needs every index", List.of(m.key.toString()), null));
        }
        List<GenerationManifest.Entry> entries = collected.entries();
        List<String> mixed = HorizonConsistency.problems(entries);
        if (!mixed.isEmpty()) {
            return List.of(failed(rebuildId, trigger, requestedAt, "nothing deployed: " + String.join("; ", mixed),
                    entries.stream().filter(GenerationManifest.Entry::rebuilt).map(GenerationManifest.Entry::indexKey).toList(), null));
        }
        HorizonConsistency.dimensionChanges(live, entries).forEach(change -> LOG.warn(
                "event=horizon_dimension_changed rebuild={} change=\"{}\" note=\"consumers must send queries of the new dimension\"", rebuildId, change));
        if (previous.isPresent() && previous.get().equals(generationId)) {
            return List.of(deployed(rebuildId, generationId, null, trigger, requestedAt, entries, 0)); // already live
        }
        GenerationManifest manifest = new GenerationManifest(1, generationId, Instant.now(), rebuildId, trigger.name(),
                previous.orElse(null), entries);
        store.write(manifest, collected.sources());
        generationSources.fetchEmbeddings(manifest); // before the switch: the verification right after it reads them
        long t0 = System.nanoTime();
        generationSwitch.switchTo(generationId, allKeys);
        double swapMillis = (System.nanoTime() - t0) / 1e6;
        CrashPoints.hit("deploy.after_switch");
        LOG.info("event=generation_switched rebuild={} generation={} previous={} swap_ms={}", rebuildId, generationId,
                previous.orElse("none"), String.format("%.3f", swapMillis));
        logUnchecked(rebuildId, generationId, entries);
        List<String> problems = verifier.verify(manifest);
        if (problems.isEmpty()) {
            GenerationDeployed deployed = deployed(rebuildId, generationId, previous.orElse(null), trigger, requestedAt, entries, swapMillis);
            archiveReplaced(lock, rebuildId, previous, deployed);
            publisher.mirror(lock);
            return List.of(deployed);
        }
        List<SpecificRecord> out = rollBack(lock, rebuildId, trigger, requestedAt, generationId, previous, problems);
        publisher.mirror(lock);
        return out;
    }

    /**
     * deploy.backup_before_deploy: the replaced generation is archived after the switch (its directory is the
     * restore point until then; see {@link PreDeployBackup}). A failure here leaves the deploy standing: the
     * new set is live and verified, the replaced one stays on disk as the rollback target, the event and a
     * log line say why, and the next deploy archives it before it switches.
     */
    private void archiveReplaced(IndicesLock lock, String rebuildId, Optional<String> previous, GenerationDeployed deployed) {
        if (preDeployBackup == null) return;
        switch (preDeployBackup.take(lock, previous, Instant.now())) {
            case PreDeployBackup.Outcome.NothingToDo n -> { }
            case PreDeployBackup.Outcome.Taken t -> deployed.setBackupId(t.id().value());
            case PreDeployBackup.Outcome.Failed f -> {
                String problem = f.reason() + "; generation " + previous.orElseThrow() + " stays on disk as the rollback target and the "
                        + "next deploy archives it before switching";
                LOG.error("event=backup_failed rebuild={} generation={} replaced={} reason=\"{}\"", rebuildId, deployed.getGenerationId(),
                        previous.orElseThrow(), problem);
                deployed.setBackupProblem(problem);
            }
        }
        CrashPoints.hit("deploy.after_backup");
    }

    /** Files that went live without passing every quality gate say so, each in its own line. */
    private static void logUnchecked(String rebuildId, String generationId, List<GenerationManifest.Entry> entries) {
        for (GenerationManifest.Entry e : entries) {
            if (e.rebuilt() && e.validationNote() != null) {
                LOG.warn("event=deployed_unvalidated rebuild={} generation={} index={} note=\"{}\"", rebuildId, generationId, e.indexKey(),
                        e.validationNote());
            }
        }
    }

    private List<SpecificRecord> rollBack(IndicesLock lock, String rebuildId, TriggerType trigger, Instant requestedAt, String generationId,
                                          Optional<String> previous, List<String> problems) throws IOException {
        String reason = "post-deploy verification failed: " + String.join("; ", problems);
        LOG.error("event=verification_failed rebuild={} generation={} problems=\"{}\"", rebuildId, generationId, problems);
        if (!policy.enableRollback()) return List.of(keptLive(rebuildId, trigger, requestedAt, generationId, previous, reason));
        List<SpecificRecord> out = new ArrayList<>();
        if (previous.isPresent()) {
            out.add(rollback.switchBack(lock, generationId, previous.get(), allKeys, reason, true, rebuildId));
        }
        out.add(failed(rebuildId, trigger, requestedAt, reason + (previous.isPresent() ? "; rolled back to " + previous.get()
                : "; no previous generation to roll back to"), allKeys.stream().map(IndexKey::toString).toList(), generationId));
        return out;
    }

    /**
     * deploy.enable_rollback = false: the generation that failed its verification stays live. That is a
     * failed rebuild (its set may not serve), reported as DeployFailed (critical), naming the setting and
     * the command that switches back.
     */
    private DeployFailed keptLive(String rebuildId, TriggerType trigger, Instant requestedAt, String generationId, Optional<String> previous,
                                  String reason) {
        String back = previous.map(p -> "; to switch back to " + p + " run: faiss-rebuild rollback").orElse("; there is no previous generation to roll back to");
        LOG.error("event=rollback_disabled rebuild={} generation={} previous={} reason=\"deploy.enable_rollback = false\"", rebuildId, generationId,
                previous.orElse("none"));
        return failed(rebuildId, trigger, requestedAt, reason + "; NOT rolled back because deploy.enable_rollback = false: generation "
                + generationId + " is LIVE although it failed verification" + back, allKeys.stream().map(IndexKey::toString).toList(), generationId);
    }

    private GenerationDeployed deployed(String rebuildId, String generationId, String previous, TriggerType trigger,
                                        Instant requestedAt, List<GenerationManifest.Entry> entries, double swapMillis) {
        List<DeployedFile> files = entries.stream().map(ManifestEntries::deployedFile).toList();
        double seconds = secondsSince(requestedAt);
        // the words of the seed's "grep 'Rebuild completed successfully' service.log"
        LOG.info("event=rebuild_completed rebuild={} generation={} previous={} trigger={} files={} rebuild_seconds={} "
                + "msg=\"Rebuild completed successfully\"", rebuildId, generationId, previous == null ? "none" : previous,
                trigger.name().toLowerCase(), files.size(), String.format("%.1f", seconds));
        return GenerationDeployed.newBuilder().setRebuildId(rebuildId).setGenerationId(generationId)
                .setPreviousGenerationId(previous).setTrigger(trigger).setFiles(files)
                .setSwapMillis(swapMillis).setRebuildSeconds(seconds).setDeployedAt(Instant.now()).build();
    }

    /** The rebuild ends here, deploying nothing: it was cancelled (by an operator or its time limit). */
    DeployFailed cancelled(RebuildCancelled c, List<String> pending) {
        return failed(c.getRebuildId(), c.getTrigger(), c.getRequestedAt(), "nothing deployed: " + c.getReason()
                + (pending.isEmpty() ? "" : "; indices still pending: " + String.join(", ", pending)), c.getRebuildKeys(), null);
    }

    /** The rebuild ends here, deploying nothing: one of its outcomes could not be used. */
    DeployFailed refused(DeployStep.RebuildRef ref, String reason) {
        return failed(ref.rebuildId(), trigger(ref.event()), requestedAt(ref.event()), reason, List.of(ref.key().toString()), null);
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
            case RebuildCancelled c -> c.getRequestedAt();
            default -> Instant.now();
        };
    }

    private static TriggerType trigger(SpecificRecord e) {
        return switch (e) {
            case IndexValidated v -> v.getTrigger();
            case IndexRejected r -> r.getTrigger();
            case BuildFailed f -> f.getTrigger();
            case RebuildCancelled c -> c.getTrigger();
            default -> TriggerType.UNKNOWN;
        };
    }
}
