package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.backup.BackupStore;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "The backups in indices/backups/, oldest first.")
final class BackupListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** One backup as listed; {@code problem} set (and the manifest fields null) when its archive is unreadable. */
    record Row(String backupId, Instant timestamp, String sourceGenerationId, Integer files, Double totalSizeMb, long archiveBytes,
               String archive, boolean encrypted, boolean live, String problem) {
        static Row of(BackupStore.Listing l, Optional<String> live) {
            return switch (l) {
                case BackupStore.Backup b -> new Row(b.id().value(), b.manifest().timestamp(), b.manifest().sourceGenerationId(),
                        b.manifest().files().size(), b.manifest().totalSizeMb(), b.archiveBytes(), b.archive().toString(),
                        b.encrypted(), live.equals(Optional.of(b.manifest().sourceGenerationId())), null);
                case BackupStore.Unreadable u -> new Row(u.id().value(), null, null, null, null, u.archiveBytes(), u.archive().toString(),
                        u.encrypted(), false, u.problem());
            };
        }
    }

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        Optional<String> live = BackupCommand.layout(c).liveGenerationId();
        List<Row> rows = BackupCommand.store(c).list().stream().map(l -> Row.of(l, live)).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(rows));
        } else if (rows.isEmpty()) {
            out.println("no backups in " + BackupCommand.layout(c).backups());
        } else {
            Table t = new Table("backup", "taken", "generation", "files", "size MB", "archive MB", "encrypted", "note");
            for (Row r : rows) {
                t.row(r.backupId(), r.timestamp() == null ? "-" : r.timestamp(), r.sourceGenerationId() == null ? "-" : r.sourceGenerationId(),
                        r.files() == null ? "-" : r.files(), r.totalSizeMb() == null ? "-" : String.format("%.2f", r.totalSizeMb()),
                        BackupCommand.mb(r.archiveBytes()), r.encrypted() ? "yes" : "no", r.problem() != null ? "UNREADABLE: " + r.problem() : r.live() ? "of the live generation" : "");
            }
            t.print(out);
        }
        out.flush();
        return 0;
    }
}
