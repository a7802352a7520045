package dev.faissrebuild.runtime.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rebuild.max_memory_gb across processes: what another process on the host holds (a child JVM here, as a
 * {@code faiss-rebuild-worker@validator} beside a builder) counts, and what a killed one held is given back.
 */
class HostMemoryBudgetTest {
    static final long MIB = 1L << 20;
    @TempDir Path dir;

    @Test
    void aReservationWaitsForWhatAnotherProcessHoldsAndRunsWhenItIsGivenBack() throws Exception {
        Path ledger = dir.resolve("memory");
        try (Child child = Child.holding(ledger, 1.0, 700 * MIB)) {
            MemoryBudget budget = MemoryBudget.onHost(1.0, ledger);
            CompletableFuture<MemoryBudget.Reservation> mine = CompletableFuture.supplyAsync(() -> reserve(budget, 500 * MIB));
            Thread.sleep(3 * MemoryBudget.POLL_MILLIS);
            assertThat(mine).as("700 + 500 MiB do not fit in 1 GiB").isNotDone();
            assertThat(budget.waits()).isEqualTo(1);
            child.say("release", "released");
            mine.get(10, TimeUnit.SECONDS).close();
            assertThat(held(ledger)).isEmpty();
        }
    }

    @Test
    void whatAKilledProcessHeldIsSweptAndGivenBack() throws Exception {
        Path ledger = dir.resolve("memory");
        Child child = Child.holding(ledger, 1.0, 900 * MIB);
        assertThat(held(ledger)).singleElement().asString().startsWith((900 * MIB) + "-" + child.process.pid() + "-");
        child.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, the file stays
        assertThat(held(ledger)).hasSize(1);

        MemoryBudget budget = MemoryBudget.onHost(1.0, ledger);
        try (MemoryBudget.Reservation r = budget.reserve("after the kill", 500 * MIB)) {
            assertThat(budget.waits()).isZero();
            assertThat(held(ledger)).singleElement().asString().startsWith((500 * MIB) + "-" + ProcessHandle.current().pid() + "-");
        }
        assertThat(held(ledger)).isEmpty();
    }

    @Test
    void theWorkersOfOneProcessShareOneBudgetPerDirectory() {
        Path ledger = dir.resolve("memory");
        assertThat(MemoryBudget.onHost(2.0, ledger)).isSameAs(MemoryBudget.onHost(2.0, ledger.resolve("..").resolve("memory")));
        assertThat(MemoryBudget.onHost(2.0, ledger).describe()).isEqualTo("rebuild.max_memory_gb = 2.0 allows 2.00 GiB for all the builds "
                + "and validations on this host (ledger " + ledger + ") at once");
        assertThat(MemoryBudget.onHost(0, ledger).limited()).isFalse();
    }

    private static MemoryBudget.Reservation reserve(MemoryBudget budget, long bytes) {
        try {
            return budget.reserve("parent", bytes);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> held(Path ledger) throws IOException {
        try (Stream<Path> s = Files.list(ledger)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".held")).toList();
        }
    }

    /** {@link HoldMemory} in a child JVM. */
    record Child(Process process, BufferedReader out, PrintWriter in) implements AutoCloseable {
        static Child holding(Path ledger, double gb, long bytes) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HoldMemory.class.getName(),
                    ledger.toString(), Double.toString(gb), Long.toString(bytes)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Child c = new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream())), new PrintWriter(p.getOutputStream(), true));
            c.expect("held");
            return c;
        }

        void say(String line, String reply) throws IOException {
            in.println(line);
            expect(reply);
        }

        private void expect(String line) throws IOException {
            for (String l; (l = out.readLine()) != null; ) if (l.equals(line)) return;
            throw new AssertionError("the child ended without saying " + line);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
