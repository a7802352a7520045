package dev.faissrebuild.trigger;

import dev.faissrebuild.trigger.RebuildStatusView.Finished;
import dev.faissrebuild.trigger.StatusRecords.SkippedRun;
import dev.faissrebuild.trigger.StatusRecords.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rebuild history the metrics, the alerts and the failure cool-down are computed from: when the
 * system first started, the last success and failure, the failures since the last success, the latest
 * finished rebuilds, and the scheduled runs the cool-down skipped. Not thread-safe: the view guards it.
 */
final class RebuildHistory {
    /** Enough for the 24 h success share at any sane rate (a rebuild takes minutes); older ones only count in the totals. */
    static final int KEEP_RECENT = 500;
    private Instant firstStartedAt;
    private Finished lastSuccess;
    private Finished lastFailure;
    private int consecutiveFailures;
    private final List<Finished> recent = new ArrayList<>();
    private SkippedRun lastSkippedRun;
    private long skippedRuns;

    void add(Finished f) {
        recent.add(f);
        if (recent.size() > KEEP_RECENT) recent.removeFirst();
        if (f.deployed()) {
            lastSuccess = f;
            consecutiveFailures = 0;
        } else {
            lastFailure = f;
            consecutiveFailures++;
        }
    }

    /** The first start is kept once set: the Stale alert counts from it when nothing ever succeeded. */
    boolean started(Instant now) {
        if (firstStartedAt != null) return false;
        firstStartedAt = now;
        return true;
    }

    void skipped(SkippedRun run) {
        lastSkippedRun = run;
        skippedRuns++;
    }

    /**
     * Until when scheduled runs are skipped: {@code maxFailures} failed rebuilds in a row start a
     * cool-down of {@code cooldown} from the last of them; a success ends it.
     */
    Optional<Instant> cooldownUntil(int maxFailures, Duration cooldown, Instant now) {
        if (consecutiveFailures < maxFailures || lastFailure == null) return Optional.empty();
        Instant until = lastFailure.at().plus(cooldown);
        return until.isAfter(now) ? Optional.of(until) : Optional.empty();
    }

    Instant firstStartedAt() {
        return firstStartedAt;
    }

    Optional<Finished> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    Optional<Finished> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    List<Finished> recent() {
        return List.copyOf(recent);
    }

    Optional<SkippedRun> lastSkippedRun() {
        return Optional.ofNullable(lastSkippedRun);
    }

    long skippedRuns() {
        return skippedRuns;
    }

    Summary summary() {
        return new Summary(firstStartedAt, lastSuccess, lastFailure, consecutiveFailures, List.copyOf(recent), lastSkippedRun, skippedRuns);
    }

    void restore(Summary s) {
        firstStartedAt = s.firstStartedAt();
        lastSuccess = s.lastSuccess();
        lastFailure = s.lastFailure();
        consecutiveFailures = s.consecutiveFailures();
        recent.clear();
        if (s.recent() != null) recent.addAll(s.recent());
        lastSkippedRun = s.lastSkippedRun();
        skippedRuns = s.skippedRuns();
    }
}
