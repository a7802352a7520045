package dev.faissrebuild.cli;

import dev.faissrebuild.events.EmbeddingsUpdated;
import dev.faissrebuild.events.Topics;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.loop.Outgoing;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "notify-embeddings", mixinStandardHelpOptions = true,
        description = {"Tells the running system that the upstream pipeline wrote new embeddings (an EmbeddingsUpdated on",
                "faiss.embeddings.updated), for shell pipelines: write the new .npy files first (under a temporary name,",
                "then rename), then run this. Prints what the trigger decided; with --wait, follows the rebuild and exits",
                "0 when deployed or when nothing needed rebuilding (unchanged files), 1 otherwise."})
final class NotifyEmbeddingsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Option(names = "--horizons", description = "Horizons whose files changed, e.g. 6,24 (default: all).")
    String horizons;

    @Option(names = "--produced-by", defaultValue = "cli", description = "Who wrote them, for the record.")
    String producedBy;

    @Option(names = "--note", defaultValue = "", description = "Anything worth recording with the event.")
    String note;

    @Option(names = "--wait", description = "Follow the rebuild the event starts until it is deployed or fails.")
    boolean await;

    @Option(names = "--timeout", description = "With --wait: give up waiting after this many minutes (default: rebuild.max_rebuild_time_minutes).")
    Integer timeoutMinutes;

    @Override
    public Integer call() {
        FaissRebuildConfig c = global.config();
        EmbeddingsUpdated event = EmbeddingsUpdated.newBuilder().setEventId("e-" + UUID.randomUUID())
                .setHorizons(Horizon.parseList(horizons).stream().map(Horizon::hours).toList()).setProducedBy(producedBy)
                .setProducedAt(Instant.now()).setNote(note).build();
        Duration timeout = await ? Duration.ofMinutes(timeoutMinutes != null ? timeoutMinutes : c.rebuild().maxRebuildTimeMinutes())
                : Duration.ofSeconds(60);
        RebuildWatch.Result r = RebuildCliCommand.publishAndFollow(Connection.reachableKafka(c),
                new Outgoing(Topics.EMBEDDINGS_UPDATED, event.getEventId(), event), event.getEventId(), timeout, spec.commandLine().getOut(), await);
        if (r.decision() == null) return 1;
        if (!await) return r.rejected() ? 1 : 0;
        return r.deployed() || r.nothingToDo() ? 0 : 1;
    }
}
