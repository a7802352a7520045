package dev.faissrebuild.builder;

import dev.faissrebuild.events.BuildProgress;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.child.JobProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns one build's step reports into {@link BuildProgress}: the share of the whole build done and the
 * time left at the rate so far, at most one a second (and at each new step). An IVF-PQ build may try
 * several candidates (the tuner stops at the first that meets the target): each is 1/n of the build,
 * so the bar never moves back, and jumps to the end when an early candidate is good enough.
 */
public final class BuildProgressMeter {
    /** Within one IVF-PQ candidate: training, then adding, then tuning nprobe (measured shares of a 300,000 x 128 build). */
    static final double TRAIN_SHARE = 0.3;
    static final double ADD_SHARE = 0.5;
    static final Duration EVERY = Duration.ofSeconds(1);
    private final String rebuildId;
    private final String indexKey;
    private final boolean trains;
    private final Clock clock;
    private final Instant started;
    private Instant lastSent = Instant.MIN;
    private String lastStep = "";

    public BuildProgressMeter(String rebuildId, IndexKey key, Clock clock) {
        this.rebuildId = rebuildId;
        this.indexKey = key.toString();
        this.trains = key.type() == IndexType.IVFPQ;
        this.clock = clock;
        this.started = clock.instant();
    }

    /** The event for this report, or null when one was sent less than a second ago for the same step. */
    public synchronized BuildProgress next(JobProgress.Step s) {
        Instant now = clock.instant();
        String step = s.candidate() + "/" + s.step();
        if (step.equals(lastStep) && Duration.between(lastSent, now).compareTo(EVERY) < 0) return null;
        lastStep = step;
        lastSent = now;
        double ratio = ratio(s, trains);
        double elapsed = Duration.between(started, now).toMillis() / 1000.0;
        Double eta = ratio >= 0.02 && elapsed >= 1 ? elapsed * (1 - ratio) / ratio : null;
        return BuildProgress.newBuilder().setRebuildId(rebuildId).setIndexKey(indexKey).setStep(s.step()).setCandidate(s.candidate())
                .setCandidates(s.candidates()).setDone(s.done()).setTotal(s.total()).setRatio(ratio).setElapsedSeconds(elapsed)
                .setEtaSeconds(eta).setAt(now).build();
    }

    /** The share of the whole build done when this step is as far as it says; {@code trains}: an IVF index (train, add, tune). */
    static double ratio(JobProgress.Step s, boolean trains) {
        double within = s.total() <= 0 ? 0 : Math.min(1.0, (double) s.done() / s.total());
        double inCandidate = switch (s.step()) {
            case "train" -> TRAIN_SHARE * within;
            case "add" -> trains ? TRAIN_SHARE + ADD_SHARE * within : within; // a flat index only adds
            case "tune" -> TRAIN_SHARE + ADD_SHARE + (1 - TRAIN_SHARE - ADD_SHARE) * within;
            default -> within;
        };
        return Math.min(1.0, (s.candidate() + inCandidate) / Math.max(1, s.candidates()));
    }

}
