package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.audit.AuditLog;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * The CLI's side of the audit log: every command that changes something (what a rebuild, a rollback, a
 * restore or a cleanup does to the indices) leaves one line once it has run, with its exit code.
 * Read-only commands (status, inspect, config show, ...) do not.
 */
final class OperatorAudit {
    static final Set<String> AUDITED = Set.of("rebuild", "notify-embeddings", "cancel", "rollback", "backup create", "backup restore",
            "maintenance cleanup");

    private OperatorAudit() {}

    static void record(CommandLine.ParseResult parsed, String[] args, int exitCode) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) leaf = leaf.subcommand();
        String action = leaf.commandSpec().qualifiedName(" ").replaceFirst("^faiss-rebuild ", "");
        if (!AUDITED.contains(action) || leaf.isUsageHelpRequested()) return;
        Object global = leaf.commandSpec().mixins().containsKey("global") ? leaf.commandSpec().mixins().get("global").userObject() : null;
        if (!(global instanceof GlobalOptions g)) return;
        FaissRebuildConfig c;
        try {
            c = g.config();
        } catch (RuntimeException e) {
            return; // the command failed on its configuration already, and said so
        }
        KafkaSettings kafka = kafkaIfKnown(c);
        try (AuditLog log = AuditLog.open(c.paths().state(), kafka)) {
            log.record(AuditLog.Entry.now(System.getProperty("user.name", "unknown"), action, List.of(args),
                    "exit " + exitCode));
        } catch (RuntimeException e) {
            System.err.println("faiss-rebuild: " + FaissRebuildCli.describe(e));
        }
    }

    /** The broker, when one is configured or a local system runs; offline actions are audited in the file alone. */
    private static KafkaSettings kafkaIfKnown(FaissRebuildConfig c) {
        if (!c.kafka().embedded()) return Connection.kafka(c);
        return Connection.local(c).map(e -> new KafkaSettings((String) e.get("bootstrap_servers"), c.kafka().clientProperties())).orElse(null);
    }
}
