package dev.faissrebuild.trigger;

import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.trigger.RebuildStatusView.IndexStatus;
import dev.faissrebuild.trigger.StatusRecords.RebuildRecord;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** One rebuild as seen so far. Events of different topics arrive in any order; each field fills in when known. */
public final class RebuildStatus {
    public final String rebuildId;
    public volatile String trigger;
    public volatile Instant requestedAt;
    public final Map<IndexKey, IndexStatus> indices = new TreeMap<>();
    public volatile String result;        // null while in progress, else "deployed" or "failed"
    public volatile String resultDetail;
    public volatile String generationId;
    /** Set when the rebuild (or some of its indices) was cancelled: who and why, or the time limit. */
    public volatile String cancelled;
    /** The whole rebuild was cancelled (not only some of its indices): nothing more can be cancelled or deployed. */
    public volatile boolean cancelledAll;
    /** The latest progress of its indices being built (in memory only: not part of the record). */
    public final Map<IndexKey, dev.faissrebuild.events.BuildProgress> progress = new java.util.concurrent.ConcurrentHashMap<>();
    /** The command or upstream event that started it. */
    public volatile String commandId;

    RebuildStatus(String rebuildId) {
        this.rebuildId = rebuildId;
    }

    RebuildRecord record() {
        Map<String, IndexStatus> byKey = new TreeMap<>();
        indices.forEach((k, v) -> byKey.put(k.toString(), v));
        return new RebuildRecord(rebuildId, trigger, requestedAt, byKey, result, resultDetail, generationId, cancelled, cancelledAll, commandId);
    }

    static RebuildStatus of(RebuildRecord r) {
        RebuildStatus s = new RebuildStatus(r.rebuildId());
        s.trigger = r.trigger();
        s.requestedAt = r.requestedAt();
        if (r.indices() != null) r.indices().forEach((k, v) -> s.indices.put(IndexKey.parse(k), v));
        s.result = r.result();
        s.resultDetail = r.resultDetail();
        s.generationId = r.generationId();
        s.cancelled = r.cancelled();
        s.cancelledAll = r.cancelledAll();
        s.commandId = r.commandId();
        return s;
    }
}
