package dev.faissrebuild.runtime.lease;

import java.time.Instant;

/** Where an instance stands in its lease. */
sealed interface LeaseRole {
    /**
     * Waiting for the lease: {@code why} it is not active (first join, stepped down), and whether it has
     * joined the group (then another instance holds the lease).
     */
    record Standby(Instant since, String why, boolean joined) implements LeaseRole {}

    /** Holding the lease: the {@code number}th term of this process, running its work. */
    record Active(int number, Instant since, ActiveWork.Term term) implements LeaseRole {}

    /** Neither active nor a standby: the lease's client fails (e.g. the broker refuses the session timeout); it retries. */
    record Failing(Instant since, String error) implements LeaseRole {}

    record Stopped() implements LeaseRole {}
}
