package dev.faissrebuild.cli;

import dev.faissrebuild.events.RebuildCommand;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.events.TriggerType;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.kafka.EventPublisher;
import dev.faissrebuild.runtime.kafka.KafkaSettings;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = {"Asks the running system to rebuild indices (a manual command on faiss.rebuild.commands).",
                "With --wait, shows each index's progress and exits 0 only if a generation was deployed",
                "(or there was nothing to rebuild), 1 otherwise."})
final class RebuildCliCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--horizons", description = "Horizons to rebuild, e.g. 6,24 (default: all configured).")
    String horizons;

    @Option(names = "--types", description = "Index types to rebuild, e.g. ivfpq (default: all configured).")
    String types;

    @Option(names = "--force", description = "Rebuild even if the embeddings did not change since the live generation.")
    boolean force;

    @Option(names = "--wait", description = "Follow the rebuild until it is deployed or fails.")
    boolean await;

    @Option(names = "--timeout", description = "With --wait: give up waiting after this many minutes (default: rebuild.max_rebuild_time_minutes).")
    Integer timeoutMinutes;

    @Option(names = "--reason", defaultValue = "", description = "Why, for the record.")
    String reason;

    @Option(names = "--skip-validation", description = {"Run only the integrity gate on the new indices (the original system's option).",
            "Refused by the trigger while rebuild.require_validation_pass is true."})
    boolean skipValidation;

    @Option(names = "--explore", description = {"IVF-PQ: try every code size of the recipe, coarsest first, as the first build of an",
            "index does; without it a rebuild starts from the live index's settings when the data kept its shape."})
    boolean explore;

    @Option(names = "--full", description = {"Train every index afresh, even where the embeddings only grew by appending",
            "(by default such a file is built incrementally: the live index plus the new rows, see rebuild.incremental_max_growth)."})
    boolean full;

    @Option(names = "--skip-backup", description = {"Deploy without a backup of the replaced set (the original system's option).",
            "Refused while deploy.backup_before_deploy is true: that setting promises a restore point for every replaced set."})
    boolean skipBackup;

    @Override
    public Integer call() {
        FaissRebuildConfig c = global.config();
        if (skipBackup && c.deploy().backupBeforeDeploy()) {
            throw new UserError("--skip-backup is refused: deploy.backup_before_deploy is true, which promises a restore point for every "
                    + "replaced set; set it to false to deploy without backups");
        }
        if (skipBackup) spec.commandLine().getOut().println("--skip-backup: backups are already off (deploy.backup_before_deploy = false)");
        RebuildCommand command = command(Horizon.parseList(horizons), IndexType.parseList(types), force, reason);
        command.setSkipValidation(skipValidation);
        command.setExplore(explore);
        command.setFull(full);
        KafkaSettings kafka = Connection.reachableKafka(c);
        PrintWriter out = spec.commandLine().getOut();
        Duration timeout = Duration.ofMinutes(timeoutMinutes != null ? timeoutMinutes : c.rebuild().maxRebuildTimeMinutes());
        return await ? publishAndWait(kafka, command, timeout, out) : publish(kafka, command, out);
    }

    static RebuildCommand command(List<Horizon> horizons, List<IndexType> types, boolean force, String reason) {
        return RebuildCommand.newBuilder().setCommandId("c-" + UUID.randomUUID())
                .setHorizons(horizons.stream().map(Horizon::hours).toList()).setIndexTypes(types.stream().map(IndexType::code).toList())
                .setForce(force).setTrigger(TriggerType.MANUAL).setRequestedBy(System.getProperty("user.name", "cli"))
                .setReason(reason).setRequestedAt(Instant.now()).build();
    }

    /** Publishes and reports what the trigger decided (accepted, coalesced, skipped and why); exit 1 if refused. */
    private static int publish(KafkaSettings kafka, RebuildCommand command, PrintWriter out) {
        RebuildWatch.Result r = publishAndFollow(kafka, event(command), command.getCommandId(), Duration.ofSeconds(60), out, false);
        if (r.decision() == null) out.println("no decision from the trigger within 60 s (is it running?); the command stays queued");
        else if (!r.rejected()) out.printf("follow with: faiss-rebuild status%n");
        out.flush();
        return r.rejected() ? 1 : 0;
    }

    /** Publishes and follows; exit 0 when deployed or nothing needed doing. */
    private static int publishAndWait(KafkaSettings kafka, RebuildCommand command, Duration timeout, PrintWriter out) {
        RebuildWatch.Result r = publishAndFollow(kafka, command, timeout, out);
        return r.deployed() || r.nothingToDo() ? 0 : 1;
    }

    static RebuildWatch.Result publishAndFollow(KafkaSettings kafka, RebuildCommand command, Duration timeout, PrintWriter out) {
        return publishAndFollow(kafka, event(command), command.getCommandId(), timeout, out, true);
    }

    /**
     * Publishes a command or an upstream event and follows what it starts: the trigger's decision, then,
     * with {@code toTheEnd}, every rebuild involved until it has ended (or the timeout).
     */
    static RebuildWatch.Result publishAndFollow(KafkaSettings kafka, Outgoing event, String id, Duration timeout, PrintWriter out,
                                                boolean toTheEnd) {
        try (RebuildWatch watch = new RebuildWatch(kafka, out); EventPublisher p = new EventPublisher(kafka, "cli")) {
            if (event.event() instanceof dev.faissrebuild.events.CancelRebuild) watch.cancelling();
            p.publish(List.of(event));
            out.printf("%s: %s%n", event.event().getSchema().getName(), id);
            out.flush();
            return watch.await(id, timeout, toTheEnd);
        }
    }

    private static Outgoing event(RebuildCommand command) {
        return new Outgoing(Topics.REBUILD_COMMANDS, command.getCommandId(), command);
    }
}
