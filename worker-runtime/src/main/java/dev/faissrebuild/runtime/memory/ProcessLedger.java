package dev.faissrebuild.runtime.memory;

import java.util.Optional;

/** The reservations of this process alone. */
final class ProcessLedger implements Ledger {
    private long inUse;

    @Override
    public synchronized Result tryHold(long need, long budget) {
        if (inUse + need > budget) return new Result(Optional.empty(), inUse);
        inUse += need;
        return new Result(Optional.of(new Held(null, need)), inUse);
    }

    @Override
    public synchronized void release(Held held) {
        inUse -= held.bytes();
    }

    @Override
    public String where() {
        return "of this process";
    }
}
