package dev.faissrebuild.runtime.lease;

import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.runtime.loop.WorkerLoop;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** What the active instance runs, started afresh each time it takes the lease. */
@FunctionalInterface
public interface ActiveWork {
    Term start(int term) throws Exception;

    /**
     * One term's running work.
     *
     * @param work closed when the lease is lost or given up: finishes or hands back what is in flight
     * @param stopped completes (with why) when the work ends by itself, e.g. fenced: the instance then steps down
     */
    record Term(AutoCloseable work, Supplier<Health.Check> health, CompletableFuture<String> stopped) {
        public static Term of(WorkerLoop loop) {
            return new Term(loop, loop::health, loop.stopped());
        }
    }
}
