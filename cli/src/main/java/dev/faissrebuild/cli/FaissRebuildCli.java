package dev.faissrebuild.cli;

import dev.faissrebuild.cli.config.ConfigCommand;
import dev.faissrebuild.deployer.OperationRefused;
import dev.faissrebuild.faiss.FaissException;
import dev.faissrebuild.runtime.config.ConfigException;
import dev.faissrebuild.runtime.files.IndicesLock;
import dev.faissrebuild.vectors.InvalidEmbeddingsException;
import org.apache.kafka.common.KafkaException;
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
            NotifyEmbeddingsCommand.class,
            CancelCommand.class,
            StatusCommand.class,
            MonitorCommand.class,
            BackupCommand.class,
            RollbackCommand.class,
            FollowCommand.class,
            MaintenanceCommand.class,
            ConfigCommand.class,
            DemoCommand.class,
            BenchRunCommand.class,
            BenchSupervisionCommand.class,
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
        cli.setExecutionStrategy(parsed -> {
            int code = new CommandLine.RunLast().execute(parsed);
            OperatorAudit.record(parsed, args, code);
            return code;
        });
        return cli.execute(args);
    }

    /** One readable line for errors a user can fix; the stack trace only for bugs, or with FAISS_REBUILD_DEBUG. */
    private static int report(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + describe(e));
        if (!isUserError(e) || System.getenv("FAISS_REBUILD_DEBUG") != null) e.printStackTrace(cli.getErr());
        return 1;
    }

    /** The message, or for a file-system error (whose message is often the bare path) the path and what went wrong. */
    static String describe(Throwable e) {
        Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        if (io instanceof java.nio.file.FileSystemException f) {
            String why = f.getReason() != null ? f.getReason() : switch (f) {
                case java.nio.file.AccessDeniedException a -> "permission denied";
                case java.nio.file.NoSuchFileException n -> "no such file or directory";
                case java.nio.file.FileAlreadyExistsException x -> "already exists";
                case java.nio.file.NotDirectoryException d -> "not a directory";
                default -> f.getClass().getSimpleName();
            };
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + why;
        }
        return e.getMessage();
    }

    /** What a user caused and can fix: bad input, files, configuration, a busy or unreachable system. */
    static boolean isUserError(Throwable e) {
        return e instanceof InvalidEmbeddingsException || e instanceof FaissException || e instanceof ConfigException
                || e instanceof IllegalArgumentException || e instanceof UserError || e instanceof java.io.IOException
                || e instanceof java.io.UncheckedIOException || e instanceof IndicesLock.BusyException || e instanceof OperationRefused
                || e instanceof KafkaException || e instanceof IllegalStateException && causedByKafka(e);
    }

    /** A client call that failed because the cluster did not answer (EventPublisher wraps its ExecutionException). */
    private static boolean causedByKafka(Throwable e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof KafkaException) return true;
        }
        return false;
    }
}
