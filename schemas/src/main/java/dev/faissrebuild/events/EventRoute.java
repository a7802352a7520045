package dev.faissrebuild.events;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where each event travels: its topic, its record key, the one service that writes it and who reads it.
 * The contract other software is written against ({@code docs/events.md} is generated from this and the
 * released schemas; a test fails when it is not up to date).
 */
public record EventRoute(Class<? extends SpecificRecord> event, String topic, String key, String writer, String readers) {
    private static final String INDEX_KEY = "the index key, e.g. `24h/ivfpq`; partition = its place in 6h/flatip, 6h/ivfpq, 12h/flatip, "
            + "12h/ivfpq, 24h/flatip, 24h/ivfpq, 48h/flatip, 48h/ivfpq (0–7)";

    public static final List<EventRoute> ALL = List.of(
            new EventRoute(RebuildCommand.class, Topics.REBUILD_COMMANDS, "`command_id`", "operators: `faiss-rebuild rebuild`, `POST /api/rebuild`",
                    "trigger"),
            new EventRoute(EmbeddingsUpdated.class, Topics.EMBEDDINGS_UPDATED, "`event_id`",
                    "the upstream pipeline: `clients/python/faiss_rebuild_client.py`, `faiss-rebuild notify-embeddings`, `POST /api/embeddings`",
                    "trigger"),
            new EventRoute(CommandResult.class, Topics.COMMAND_RESULTS, "`command_id` (the command's, or the EmbeddingsUpdated's `event_id`)",
                    "trigger", "whoever sent the command or event (CLI, HTTP API, upstream client); the trigger's status view"),
            new EventRoute(RebuildRequested.class, Topics.REBUILD_REQUESTED, INDEX_KEY, "trigger", "builders (group `builders`); status view"),
            new EventRoute(IndexBuilt.class, Topics.INDEX_BUILT, INDEX_KEY, "builders", "validators (group `validators`); notifier; status view"),
            new EventRoute(BuildFailed.class, Topics.INDEX_BUILT, INDEX_KEY, "builders", "deployer; notifier; status view"),
            new EventRoute(IndexValidated.class, Topics.INDEX_VALIDATED, INDEX_KEY, "validators", "deployer; notifier; status view"),
            new EventRoute(IndexRejected.class, Topics.INDEX_VALIDATED, INDEX_KEY, "validators", "deployer; notifier; status view"),
            new EventRoute(GenerationDeployed.class, Topics.INDEX_DEPLOYED, "`rebuild_id`", "deployer",
                    "status view; notifier; index readers (Java `LiveIndexSet`, Python); upstream clients"),
            new EventRoute(DeployFailed.class, Topics.INDEX_DEPLOYED, "`rebuild_id`", "deployer", "status view; notifier; upstream clients"),
            new EventRoute(RolledBack.class, Topics.INDEX_DEPLOYED, "`rebuild_id` or the rollback id",
                    "deployer (automatic), `faiss-rebuild rollback` / `backup restore`", "status view; notifier; index readers"),
            new EventRoute(CancelRebuild.class, Topics.REBUILD_COMMANDS, "`cancel_id`",
                    "operators: `faiss-rebuild cancel`, `DELETE /api/rebuilds/{id}`", "trigger"),
            new EventRoute(RebuildCancelled.class, Topics.CANCELLATIONS, "`rebuild_id`",
                    "trigger (an operator's cancel, or `scheduler.max_rebuild_duration_hours` exceeded)",
                    "builders and validators (kill the rebuild's children, skip its requests); deployer (ends the rebuild); notifier; status view"),
            new EventRoute(BuildProgress.class, Topics.BUILD_PROGRESS, INDEX_KEY, "builders",
                    "status view (`status`, `/api/status`, `faiss_rebuild_progress_ratio`); `rebuild --wait` progress bars"),
            new EventRoute(Alert.class, Topics.ALERTS, "the alert and its labels", "the trigger's alert monitor", "notifier"));
}
