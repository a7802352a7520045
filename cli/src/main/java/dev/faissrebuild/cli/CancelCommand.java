package dev.faissrebuild.cli;

import dev.faissrebuild.events.CancelRebuild;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.loop.Outgoing;
import dev.faissrebuild.trigger.TriggerApi;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Stops a running rebuild, or some of its indices (a CancelRebuild on faiss.rebuild.commands): running builds and",
                "validations are killed, queued ones skipped, nothing of the cancelled indices is deployed; the live set is untouched.",
                "A rebuild that already ended is not cancelled (the answer says how it ended).",
                "Exit 0 when the cancel was accepted (with --wait: once the rebuild has ended), 1 when refused or not answered."})
final class CancelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--rebuild", required = true, description = "The rebuild id (see: faiss-rebuild status).")
    String rebuildId;

    @Option(names = "--index", split = ",", description = "Only these indices, e.g. 24h/ivfpq (default: the whole rebuild).")
    List<String> indices = List.of();

    @Option(names = "--reason", defaultValue = "", description = "Why, for the record.")
    String reason;

    @Option(names = "--wait", description = "Follow the rebuild until it has ended.")
    boolean await;

    @Override
    public Integer call() {
        FaissRebuildConfig c = global.config();
        List<String> keys;
        try {
            keys = indices.stream().map(k -> IndexKey.parse(k).toString()).toList();
        } catch (IllegalArgumentException e) {
            throw new UserError("--index: " + e.getMessage());
        }
        CancelRebuild cancel = TriggerApi.cancelRebuild(rebuildId, keys, System.getProperty("user.name", "cli"), reason);
        Duration timeout = await ? Duration.ofMinutes(c.rebuild().maxRebuildTimeMinutes()) : Duration.ofSeconds(60);
        RebuildWatch.Result r = RebuildCliCommand.publishAndFollow(Connection.reachableKafka(c),
                new Outgoing(Topics.REBUILD_COMMANDS, cancel.getCancelId(), cancel), cancel.getCancelId(), timeout, spec.commandLine().getOut(), await);
        if (r.decision() == null) {
            spec.commandLine().getOut().println("no answer from the trigger within " + timeout.toSeconds() + " s (is it running?)");
            return 1;
        }
        if (r.rejected()) return 1;
        return await && r.finals().isEmpty() ? 1 : 0;
    }
}
