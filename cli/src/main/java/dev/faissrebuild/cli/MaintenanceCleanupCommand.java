package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.maintenance.Cleanup;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Removes what is no longer needed under indices/ and says how much space that freed.",
                "Staging directories of finished rebuilds (and of rebuilds idle longer than rebuild.max_rebuild_time_minutes),",
                "generations beyond the N most recent (never the live one nor its predecessor), and leftovers of",
                "interrupted operations. Hard-linked files are counted once."})
final class MaintenanceCleanupCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin LockWaitOption lockWait;

    @Option(names = "--keep-recent", paramLabel = "N", defaultValue = "3", description = "Keep the N most recent generations (default: ${DEFAULT-VALUE}); the live one and its predecessor are always kept.")
    int keepRecent;

    @Option(names = "--dry-run", description = "Show what would be removed; remove nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (keepRecent < 0) throw new UserError("--keep-recent must be 0 or more, got " + keepRecent);
        FaissRebuildConfig c = global.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        Cleanup cleanup = new Cleanup(layout, Duration.ofMinutes(c.rebuild().maxRebuildTimeMinutes()));
        Cleanup.Report report;
        if (dryRun) {
            report = cleanup.plan(keepRecent, Instant.now());
        } else {
            try (IndicesLock lock = lockWait.acquire(layout, "maintenance cleanup")) {
                report = cleanup.run(lock, keepRecent, Instant.now());
            }
        }
        print(report, spec.commandLine().getOut());
        return 0;
    }

    static void print(Cleanup.Report r, PrintWriter out) {
        if (r.removed().isEmpty()) {
            out.println("nothing to remove");
        } else {
            Table t = new Table(r.dryRun() ? "would remove" : "removed", "name", "frees MB", "why");
            for (Cleanup.Removal x : r.removed()) t.row(x.kind().name().toLowerCase(), x.name(), BackupCommand.mb(x.bytesFreed()), x.why());
            t.print(out);
        }
        out.printf("%s %d item(s), %s MB %s (hard-linked files counted once)%n", r.dryRun() ? "would remove" : "removed",
                r.removed().size(), BackupCommand.mb(r.bytesFreed()), r.dryRun() ? "would be freed" : "freed");
        out.printf("generations kept: %s%n", r.keptGenerations().isEmpty() ? "none"
                : String.join(", ", r.keptGenerations().stream().map(k -> k.generationId() + " (" + k.why() + ")").toList()));
        out.flush();
    }
}
