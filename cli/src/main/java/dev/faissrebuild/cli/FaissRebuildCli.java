package dev.faissrebuild.cli;

import dev.faissrebuild.deployer.OperationRefused;
import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code faiss-rebuild} command. */
@Command(name = "faiss-rebuild", mixinStandardHelpOptions = true, version = "faiss-rebuild 0.1.0",
        description = "Keeps the FAISS indices of the forecasting service fresh, validated and safely deployed.",
        subcommands = {
            GenerateEmbeddingsCommand.class,
            BuildIndexCommand.class,
            InspectIndexCommand.class,
            ValidateIndexCommand.class,
            TradeoffCommand.class,
            UpCommand.class,
            RebuildCliCommand.class,
            StatusCommand.class,
            MonitorCommand.class,
            BackupCommand.class,
            RollbackCommand.class,
            MaintenanceCommand.class,
            DemoCommand.class,
            BenchRunCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class FaissRebuildCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new FaissRebuildCli());
        cli.setExecutionExceptionHandler(FaissRebuildCli::report);
        return cli.execute(args);
    }

    /** One readable line for errors a user can fix; the stack trace only for bugs, or with FAISS_REBUILD_DEBUG. */
    private static int report(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean expected = e instanceof InvalidEmbeddingsException || e instanceof FaissException
                || e instanceof IllegalArgumentException || e instanceof UserError || e instanceof java.io.IOException
                || e instanceof java.io.UncheckedIOException || e instanceof IndicesLock.BusyException || e instanceof OperationRefused;
        cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        if (!expected || System.getenv("FAISS_REBUILD_DEBUG") != null) e.printStackTrace(cli.getErr());
        return 1;
    }
}
