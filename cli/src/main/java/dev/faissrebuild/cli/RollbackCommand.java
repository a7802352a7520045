package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.GenerationPublisher;
import dev.faissrebuild.deployer.LiveExpectation;
import dev.faissrebuild.deployer.Rollback;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.runtime.files.IndicesLayout;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.store.ArtifactStore;
import dev.faissrebuild.store.ConfiguredStore;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Makes the previous generation (or --to GENERATION) live again.",
                "One atomic switch of indices/current under the indices lock; reports RolledBack on faiss.index.deployed",
                "when Kafka is reachable (and works without Kafka too). Asks for confirmation unless --force."})
final class RollbackCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin LockWaitOption lockWait;

    @Option(names = "--to", paramLabel = "GENERATION", description = "The generation to make live (default: the live one's previous generation).")
    String to;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    boolean force;

    @Option(names = "--reason", description = "Why, for the record (default: manual rollback by <user>).")
    String reason;

    @Override
    public Integer call() throws Exception {
        FaissRebuildConfig c = global.config();
        IndicesLayout layout = new IndicesLayout(c.paths().indices());
        Rollback rollback = new Rollback(layout);
        Rollback.Plan plan = rollback.plan(Optional.ofNullable(to));
        PrintWriter out = spec.commandLine().getOut();
        Confirmation.ask(force, String.format("Roll back from live generation %s to %s (created %s)?", plan.from(), plan.to(),
                plan.target().createdAt()), out);
        String why = reason != null ? reason : "manual rollback by " + System.getProperty("user.name", "?");
        RolledBack event;
        try (IndicesLock lock = lockWait.acquire(layout, "rollback to " + plan.to())) {
            event = rollback.run(lock, Optional.ofNullable(to), force ? LiveExpectation.any() : LiveExpectation.exactly(Optional.of(plan.from())), why);
            mirror(c, layout, lock, out);
        }
        out.printf("rolled back: live generation is now %s (was %s)%n", event.getToGenerationId(), event.getFromGenerationId());
        LiveSetEvents.publish(c, event, out);
        return 0;
    }

    /** With artifacts.store: serving hosts follow the rollback now rather than at the deployer's next periodic publish. */
    private static void mirror(FaissRebuildConfig c, IndicesLayout layout, IndicesLock lock, PrintWriter out) {
        Optional<ArtifactStore> store = ConfiguredStore.open(c);
        if (store.isEmpty()) return;
        try (ArtifactStore s = store.get()) {
            new GenerationPublisher(layout, Optional.of(s)).mirror(lock)
                    .ifPresentOrElse(problem -> out.println("warning: " + problem), () -> out.println("serving hosts follow it from " + s.describe()));
        }
    }
}
