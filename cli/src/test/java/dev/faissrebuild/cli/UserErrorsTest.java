package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.builder.BuilderService;
import dev.faissrebuild.runtime.config.ConfigLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad command lines, each in a process of its own as an operator runs them (the real main, its exit
 * code, its stderr): one clear line and a non-zero exit, never a stack trace. Also what the log level
 * setting does to a real process, and which of the file and the environment wins.
 */
class UserErrorsTest {
    @TempDir Path dir;

    ChildCli run(Map<String, String> env, Class<?> main, String... args) throws Exception {
        return ChildCli.run(dir, env, main, args);
    }

    ChildCli cli(String... args) throws Exception {
        return run(Map.of(), FaissRebuildCli.class, args);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static void assertOneClearLine(ChildCli r, String expected) {
        assertThat(r.code()).as(r.err()).isNotZero();
        assertThat(r.messages()).as(r.err()).anyMatch(l -> l.contains(expected))
                .noneMatch(l -> l.contains("Exception")).noneMatch(l -> l.matches("\\s+at .*")).noneMatch(l -> l.contains("at dev."));
    }

    @Test
    void badConfigurationsFilesOptionsAndValues() throws Exception {
        Path bad = file("bad.json", "{\"monitoring\": {\"integrate_with_existing_monitoring\": 1}, \"rebuild\": {\"backup_dir\": \"/b\"}}");
        assertOneClearLine(cli("status", "--config", bad.toString(), "--data-dir", dir.toString()), "2 problem(s)");
        assertOneClearLine(cli("status", "--config", file("broken.json", "{\"monitoring\": ").toString()), "not valid JSON");
        assertOneClearLine(cli("status", "--config", dir.resolve("absent.json").toString()), "absent.json: no such file");
        assertOneClearLine(cli("config", "validate", "--file", bad.toString()), "unknown field 'rebuild.backup_dir'");
        assertOneClearLine(cli("build-index", "--embeddings", dir.resolve("none.npy").toString(), "--type", "flatip", "--out",
                dir.resolve("x.faiss").toString()), "none.npy: no such file");
        assertOneClearLine(cli("rebuild", "--horizons", "7", "--data-dir", dir.toString()), "horizon 7h is not one of 6h, 12h, 24h, 48h");
        assertOneClearLine(cli("rebuild", "--timeout", "soon"), "'soon' is not an int");
        assertOneClearLine(cli("backup", "restore", "--backup-id", "../x", "--force", "--data-dir", dir.toString()), "backup id");
        assertOneClearLine(cli("generate-embeddings", "--out", "/proc/no/such/dir", "--count", "10", "--dim", "4"), "/proc/no: no such file or directory");
        assertOneClearLine(cli("follow", "--indices", dir.resolve("serve").toString(), "--data-dir", dir.toString()),
                "follow needs a store: --store s3://bucket[/prefix] or artifacts.store in the config");
        Path s3 = file("s3.json", "{\"artifacts\": {\"store\": \"s3://faiss/x\", \"s3_access_key_id_env\": \"NO_SUCH_KEY_VAR\", "
                + "\"s3_secret_access_key_env\": \"NO_SUCH_SECRET_VAR\"}}");
        assertOneClearLine(cli("follow", "--config", s3.toString(), "--indices", dir.resolve("serve").toString(), "--data-dir", dir.toString()),
                "artifacts.s3_access_key_id_env = \"NO_SUCH_KEY_VAR\": expected the name of a set environment variable; NO_SUCH_KEY_VAR is not set");
        assertOneClearLine(run(Map.of(), BuilderService.class, "--config", bad.toString()), "builder: config " + bad + ": 2 problem(s)");
        assertOneClearLine(run(Map.of(), BuilderService.class, "--confg", bad.toString()), "unknown option --confg");
        assertOneClearLine(run(Map.of(ConfigLoader.LOG_LEVEL_ENV, "LOUD"), FaissRebuildCli.class, "status", "--data-dir", dir.toString()),
                "scheduler.log_level = \"LOUD\": expected one of DEBUG, ERROR, INFO, TRACE, WARN (from environment variable FAISS_REBUILD_LOG_LEVEL)");
    }

    @Test
    void anUnreachableKafkaAndABusyPort() throws Exception {
        Path unreachable = file("k.json", "{\"kafka\": {\"bootstrap_servers\": \"127.0.0.1:1\"}}");
        assertOneClearLine(cli("rebuild", "--config", unreachable.toString(), "--data-dir", dir.toString()),
                "Kafka at 127.0.0.1:1 did not answer within 10 s");
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path cfg = file("p.json", "{\"monitoring\": {\"health_check_port\": " + busy.getLocalPort() + "}}");
            assertOneClearLine(cli("up", "--config", cfg.toString(), "--data-dir", dir.toString()), "cannot listen on 127.0.0.1:" + busy.getLocalPort());
        }
    }

    @Test
    void theLogLevelOfARealProcessFollowsTheFileUnlessTheEnvironmentSaysOtherwise() throws Exception {
        Path warn = file("warn.json", "{\"scheduler\": {\"log_level\": \"WARN\"}}");
        String cleanupDone = "event=cleanup_done";
        assertThat(cli("maintenance", "cleanup", "--data-dir", dir.toString()).err()).contains("level=INFO").contains(cleanupDone);
        ChildCli quiet = cli("maintenance", "cleanup", "--data-dir", dir.toString(), "--config", warn.toString());
        assertThat(quiet.code()).isZero();
        assertThat(quiet.err()).doesNotContain(cleanupDone);
        ChildCli overridden = run(Map.of(ConfigLoader.LOG_LEVEL_ENV, "DEBUG"), FaissRebuildCli.class, "maintenance", "cleanup", "--data-dir", dir.toString(),
                "--config", warn.toString());
        assertThat(overridden.err()).contains(cleanupDone);
        ChildCli shown = run(Map.of(ConfigLoader.LOG_LEVEL_ENV, "DEBUG"), FaissRebuildCli.class, "config", "show", "--config", warn.toString());
        assertThat(shown.out()).containsPattern("scheduler\\.log_level +DEBUG +environment variable FAISS_REBUILD_LOG_LEVEL");
    }
}
