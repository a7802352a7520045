package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.http.Health.ActiveAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code faiss-rebuild status} and {@code GET /api/status} show: the live generation (from disk),
 * the rebuilds in progress, the last outcome of every index and of recent rebuilds (from the view).
 */
public record StatusReport(Live live, List<Rebuild> inProgress, Map<String, RebuildStatusView.IndexStatus> lastOutcomePerIndex,
                           List<Rebuild> recentRebuilds, int consecutiveFailures, Cooldown cooldown, List<ActiveAlert> activeAlerts,
                           String nextScheduledRun) {

    /**
     * The failure cool-down: whether scheduled runs are being skipped now and until when, and the last
     * scheduled run it skipped.
     */
    public record Cooldown(boolean active, Instant until, int afterConsecutiveFailures, int cooldownHours,
                           StatusRecords.SkippedRun lastSkippedRun, long skippedRuns) {}

    public record Live(String generationId, Instant createdAt, long ageSeconds, String rebuildId, String trigger,
                       List<GenerationManifest.Entry> files) {}

    /**
     * @param cancelled who cancelled it and why, or the time limit it exceeded; null if not cancelled
     * @param progress of its indices being built
     */
    public record Rebuild(String rebuildId, String trigger, Instant requestedAt, String result, String detail, String generationId,
                          Map<String, String> indices, String cancelled, Map<String, Progress> progress) {}

    /** How far one build is: its step, the share of the build done, and the time left at the rate so far (null: not known yet). */
    public record Progress(String step, String candidate, double ratio, Double etaSeconds, double elapsedSeconds) {
        static Progress of(dev.faissrebuild.events.BuildProgress p) {
            return new Progress(p.getStep(), (p.getCandidate() + 1) + "/" + p.getCandidates(), p.getRatio(), p.getEtaSeconds(),
                    p.getElapsedSeconds());
        }
    }

    public static StatusReport of(RebuildStatusView view, IndicesLayout layout, FaissRebuildConfig config, String nextRun) {
        Instant now = Instant.now();
        Live live = layout.liveManifest().map(m -> new Live(m.generationId(), m.createdAt(), Duration.between(m.createdAt(), now).toSeconds(),
                m.rebuildId(), m.trigger(), m.files())).orElse(null);
        List<RebuildStatus> all = view.rebuilds();
        List<Rebuild> running = all.stream().filter(r -> r.result == null && !r.indices.isEmpty()).map(StatusReport::rebuild).toList();
        List<Rebuild> recent = all.reversed().stream().filter(r -> r.result != null).limit(5).map(StatusReport::rebuild).toList();
        Map<String, RebuildStatusView.IndexStatus> last = new LinkedHashMap<>();
        view.lastPerIndex().forEach((k, v) -> last.put(k.toString(), v));
        var sched = config.scheduler();
        Instant until = view.cooldownUntil(sched.maxConsecutiveFailures(), Duration.ofHours(sched.failureCooldownHours()), now).orElse(null);
        Cooldown cooldown = new Cooldown(until != null, until, sched.maxConsecutiveFailures(), sched.failureCooldownHours(),
                view.lastSkippedRun().orElse(null), view.skippedRuns());
        return new StatusReport(live, running, last, recent, view.consecutiveFailures(), cooldown,
                RebuildAlerts.active(view, layout, config, now), nextRun);
    }

    private static Rebuild rebuild(RebuildStatus r) {
        Map<String, String> indices = new LinkedHashMap<>();
        r.indices.forEach((k, v) -> indices.put(k.toString(), v.stage().name().toLowerCase()));
        Map<String, Progress> progress = new java.util.TreeMap<>();
        r.progress.forEach((k, p) -> progress.put(k.toString(), Progress.of(p)));
        return new Rebuild(r.rebuildId, r.trigger, r.requestedAt, r.result, r.resultDetail, r.generationId, indices, r.cancelled, progress);
    }
}
