package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.logging.LogFile;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"The all-in-one local mode: an embedded Kafka broker (unless kafka.bootstrap_servers is set) and all",
                "five services in this process, cron active, /health and /metrics served. Runs until stopped (Ctrl-C, SIGTERM);",
                "a restart on the same data dir resumes where it was."})
final class UpCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @Override
    public Integer call() throws Exception {
        var c = global.config();
        LogFile.attach(c.logging(), c.paths().data()); // for the life of the process
        LocalSystem system = LocalSystem.start(c);
        Runtime.getRuntime().addShutdownHook(new Thread(system::close, "shutdown"));
        system.runtime().reloads().readFrom(global.reader()).onSignal(); // systemctl reload
        PrintWriter out = spec.commandLine().getOut();
        out.println("faiss-rebuild is up for data dir " + c.paths().data());
        system.endpoints().forEach((k, v) -> out.printf("  %-18s %s%n", k, v));
        out.println("rebuild with: faiss-rebuild rebuild --wait --data-dir " + c.paths().data() + "   (Ctrl-C stops)");
        out.flush();
        system.runtime().awaitClose();
        return 0;
    }
}
