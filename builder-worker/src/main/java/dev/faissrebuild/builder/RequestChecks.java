package dev.faissrebuild.builder;

import dev.faissrebuild.events.RebuildRequested;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.runtime.files.ConfinedPaths;
import dev.faissrebuild.runtime.loop.PermanentFailure;

/**
 * A RebuildRequested is checked at the door: its record key, its index key and its horizon and type
 * fields must name one index, and that index must be one of its rebuild's. A request whose parts
 * disagree is refused (dead-lettered with a failure verdict), never built as one of the two.
 */
final class RequestChecks {
    private RequestChecks() {}

    static IndexKey key(String recordKey, RebuildRequested r) throws PermanentFailure {
        IndexKey key;
        try {
            key = IndexKey.parse(r.getIndexKey());
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure(e.getMessage(), e);
        }
        if (!key.toString().equals(recordKey)) {
            throw new PermanentFailure("record key '" + recordKey + "' and index_key '" + r.getIndexKey() + "' name different indices");
        }
        if (key.horizon().hours() != r.getHorizonHours() || !key.type().code().equals(r.getIndexType())) {
            throw new PermanentFailure("index_key " + key + " disagrees with horizon_hours " + r.getHorizonHours() + " / index_type '"
                    + r.getIndexType() + "'");
        }
        if (!r.getRebuildKeys().contains(key.toString())) {
            throw new PermanentFailure("index_key " + key + " is not one of its rebuild's keys " + r.getRebuildKeys());
        }
        return key;
    }

    /** Whether a verdict can be given for this request: a valid rebuild id and index key, and its rebuild's keys. */
    static boolean identifiesItsRebuild(RebuildRequested r) {
        try {
            ConfinedPaths.requireSimpleName(r.getRebuildId(), "rebuild id");
            IndexKey.parse(r.getIndexKey());
            return !r.getRebuildKeys().isEmpty();
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
