package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.maintenance.DiskUsage;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "disk-usage", mixinStandardHelpOptions = true,
        description = "Space used under indices/: live generation, all generations, staging, backups (hard-linked files counted once).")
final class MaintenanceDiskUsageCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        DiskUsage u = DiskUsage.measure(new IndicesLayout(c.paths().indices()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(u));
        } else {
            Table t = new Table("area", "count", "files", "size MB");
            for (DiskUsage.Area a : new DiskUsage.Area[] {u.live(), u.generations(), u.staging(), u.backups(), u.total()}) {
                t.row(a.name(), a.count(), a.files(), BackupCommand.mb(a.bytes()));
            }
            t.print(out);
            if (!u.generationsDetail().isEmpty()) {
                out.println();
                Table g = new Table("generation", "created", "role", "files", "size MB", "own MB");
                for (DiskUsage.Generation x : u.generationsDetail()) {
                    g.row(x.generationId(), x.createdAt(), x.live() ? "live" : x.previous() ? "previous" : "", x.files(),
                            BackupCommand.mb(x.bytes()), BackupCommand.mb(x.bytesOwn()));
                }
                g.print(out);
                out.println("own MB: what deleting only that generation would free (the rest is shared by hard links)");
            }
        }
        out.flush();
        return 0;
    }
}
