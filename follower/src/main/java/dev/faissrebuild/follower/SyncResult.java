package dev.faissrebuild.follower;

/** What one pass of the sync agent found and did. */
public sealed interface SyncResult {
    /** The store has no live generation yet (nothing deployed through it). */
    record NothingPublished() implements SyncResult {}

    /** This host already serves the store's live generation. */
    record UpToDate(String generationId) implements SyncResult {}

    /** This host switched; {@code bytes} downloaded (0 when the generation was still on disk, e.g. a rollback). */
    record Switched(String from, String to, long bytes, double seconds) implements SyncResult {}

    /** The store's live generation could not be taken (a checksum, a missing object): the live set here is unchanged. */
    record Refused(String generationId, String reason) implements SyncResult {}
}
