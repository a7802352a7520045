package dev.faissrebuild.runtime.memory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Where a {@link MemoryBudget}'s reservations are counted: this process ({@link ProcessLedger}) or every process on the host ({@link HostLedger}). */
sealed interface Ledger permits ProcessLedger, HostLedger {
    /** A reservation held; {@code file} is null for a process-only one. */
    record Held(Path file, long bytes) {}

    /** @param held the reservation, or empty when {@code need} does not fit; @param inUse bytes held after the call */
    record Result(Optional<Held> held, long inUse) {}

    /** Holds {@code need} if it fits beside what is held within {@code budget}. */
    Result tryHold(long need, long budget) throws IOException;

    void release(Held held) throws IOException;

    /** For messages. */
    String where();
}
