package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.schedule.CronSchedule;
import dev.faissrebuild.trigger.FollowedView;
import dev.faissrebuild.trigger.RebuildStatusView;
import dev.faissrebuild.trigger.StatusReport;
import java.io.PrintWriter;
import java.time.ZonedDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "The live generation (id, age, files), the last outcome of every index, and rebuilds in progress.")
final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        String next = c.scheduler().enabled()
                ? CronSchedule.parse(c.scheduler().rebuildSchedule(), c.scheduler().timezone()).next(ZonedDateTime.now()).map(Object::toString).orElse(null)
                : null;
        StatusReport report;
        String note = null;
        try (FollowedView followed = FollowedView.open(Connection.reachableKafka(c), "cli-status")) {
            report = StatusReport.of(followed.view(), layout, c, next);
        } catch (UserError | IllegalStateException e) {
            report = StatusReport.of(new RebuildStatusView(), layout, c, next);
            note = "rebuild history unavailable: " + e.getMessage();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(report));
        } else {
            print(report, note, out);
        }
        out.flush();
        return 0;
    }

    static void print(StatusReport r, String note, PrintWriter out) {
        if (r.live() == null) {
            out.println("live generation: none");
        } else {
            out.printf("live generation: %s (age %s, rebuild %s, trigger %s)%n", r.live().generationId(), age(r.live().ageSeconds()),
                    r.live().rebuildId(), r.live().trigger().toLowerCase());
            Table t = new Table("index", "file", "ntotal", "factory", "nprobe", "recall@k", "p99 ms", "size MB", "rebuilt", "build");
            for (GenerationManifest.Entry e : r.live().files()) {
                t.row(e.indexKey(), e.fileName(), e.ntotal(), e.factory(), e.nprobe() > 0 ? e.nprobe() : "-", fmt(e.recallAtK(), "%.4f"),
                        fmt(e.latencyP99Ms(), "%.3f"), String.format("%.2f", e.sizeBytes() / 1e6), e.rebuilt() ? "yes" : "no",
                        e.build() == null ? "-" : e.build().kind());
            }
            t.print(out);
        }
        out.println();
        if (r.inProgress().isEmpty()) out.println("rebuilds in progress: none");
        for (StatusReport.Rebuild b : r.inProgress()) {
            out.printf("in progress: %s (%s, since %s) %s%n", b.rebuildId(), String.valueOf(b.trigger()).toLowerCase(), b.requestedAt(), b.indices());
            if (b.cancelled() != null) out.printf("  CANCELLING: %s%n", b.cancelled());
            b.progress().forEach((key, p) -> out.printf("  %s %s %3d%% %s (candidate %s), %s%n", key, ProgressBars.bar(p.ratio()),
                    Math.round(p.ratio() * 100), p.step(), p.candidate(),
                    p.etaSeconds() == null ? "ETA unknown" : "ETA " + Math.round(p.etaSeconds()) + " s"));
        }
        if (!r.lastOutcomePerIndex().isEmpty()) {
            out.println();
            Table t = new Table("index", "last rebuild", "outcome", "at", "detail");
            r.lastOutcomePerIndex().forEach((k, v) -> t.row(k, v.rebuildId(), v.stage().name().toLowerCase(), v.at(), abbreviate(v.detail())));
            t.print(out);
        }
        out.printf("%nconsecutive failures: %d; next scheduled run: %s%n", r.consecutiveFailures(), r.nextScheduledRun() == null ? "none" : r.nextScheduledRun());
        StatusReport.Cooldown cd = r.cooldown();
        if (cd.active()) {
            out.printf("cool-down: ACTIVE until %s (%d consecutive failures >= %d); scheduled runs are skipped, manual rebuilds still run%n",
                    cd.until(), r.consecutiveFailures(), cd.afterConsecutiveFailures());
        }
        if (cd.lastSkippedRun() != null) {
            out.printf("last skipped scheduled run: %s (%s); %d skipped in all%n", cd.lastSkippedRun().at(), cd.lastSkippedRun().reason(), cd.skippedRuns());
        }
        r.activeAlerts().forEach(a -> out.printf("ALERT %s (%s): %s%n", a.name(), a.severity(), a.summary()));
        if (note != null) out.println("note: " + note);
    }

    private static String fmt(Double d, String f) {
        return d == null ? "-" : String.format(f, d);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 90 ? s.substring(0, 87) + "..." : s;
    }

    static String age(long seconds) {
        if (seconds < 120) return seconds + " s";
        if (seconds < 7200) return seconds / 60 + " min";
        if (seconds < 172800) return seconds / 3600 + " h";
        return seconds / 86400 + " days";
    }
}
