package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A running build says how far it is: {@code rebuild --wait} shows a bar and an ETA per build (plain lines
 * when not on a terminal; redrawn in place on one, tested through a pseudo-terminal from util-linux
 * {@code script}), and {@code /api/status} and {@code faiss_rebuild_progress_ratio} show the same.
 */
class BuildProgressTest extends WithRunningSystem {
    private static final Pattern PERCENT = Pattern.compile("24h/ivfpq \\[[#-]+] +(\\d+)% ");


    @Test
    void aRunningBuildShowsProgressThatMovesAndAnEta() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, """
                {"scheduler": {"enabled": false}, "rebuild": {"horizons": [24], "index_types": ["ivfpq"]},
                 "validation": {"min_recall_threshold": 0.9},
                 "monitoring": {"health_check_port": 0, "metrics_port": 0}}""", c -> c.withEphemeralPorts());
        TestData.weatherLike(dir.resolve("embeddings/embeddings_24h.npy"), 100_000, 32, 24); // two add chunks

        StringWriter plain = new StringWriter();
        CompletableFuture<RebuildWatch.Result> rebuild = CompletableFuture.supplyAsync(() -> {
            var command = RebuildCliCommand.command(List.of(), List.of(), true, "test");
            return RebuildCliCommand.publishAndFollow(system.kafka(), command, Duration.ofMinutes(10), new PrintWriter(plain));
        });
        double apiRatio = 0;
        double metricRatio = 0;
        while (!rebuild.isDone()) {
            var progress = system.json(system.apiUrl("/status")).path("in_progress").path(0).path("progress").path("24h/ivfpq");
            if (!progress.isMissingNode()) apiRatio = Math.max(apiRatio, progress.get("ratio").asDouble());
            metricRatio = Math.max(metricRatio, system.metric("faiss_rebuild_progress_ratio{horizon=\"24h\",index_type=\"ivfpq\"}").orElse(0));
            Thread.sleep(500);
        }
        assertThat(rebuild.get().deployed()).as(plain.toString()).isTrue();
        String lines = plain.toString();
        System.out.println("plain progress lines:\n" + lines);
        assertThat(percentages(lines)).as("the percentages shown, in order").hasSizeGreaterThanOrEqualTo(3).isSorted()
                .doesNotHaveDuplicates();
        assertThat(lines).containsPattern("24h/ivfpq \\[[#-]+] +\\d+% add \\d+/100000 rows, ETA \\d+ s").doesNotContain("\r");
        assertThat(apiRatio).as("the largest ratio /api/status showed").isBetween(0.01, 1.0);
        assertThat(metricRatio).as("the largest faiss_rebuild_progress_ratio").isBetween(0.01, 1.0);
        assertThat(system.metric("faiss_rebuild_progress_ratio{horizon=\"24h\",index_type=\"ivfpq\"}").orElseThrow()).isZero();

        // the same through a pseudo-terminal: one status line redrawn in place
        // --full: the unchanged file would otherwise be an incremental build of 0 new rows, done before a bar is drawn
        ProcessBuilder cli = ChildCli.builder(dir, Map.of(), FaissRebuildCli.class, "rebuild", "--wait", "--force", "--full", "--data-dir", dir.toString(),
                "--config", dir.resolve("config.json").toString());
        String shell = cli.command().stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        Process pty = new ProcessBuilder("script", "-qefc", shell, "/dev/null").directory(dir.toFile()).redirectErrorStream(true).start();
        String screen = new String(pty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(pty.waitFor()).as(screen).isZero();
        System.out.println("on a terminal: " + (screen.split("\r\033\\[2K", -1).length - 1) + " lines redrawn in place");
        assertThat(screen).contains("\r\033[2K24h/ivfpq [").containsPattern("24h/ivfpq \\[[#-]{8}] \\d+% ETA \\d+ s").contains("deployed generation");
    }

    private static List<Integer> percentages(String text) {
        Matcher m = PERCENT.matcher(text);
        List<Integer> out = new java.util.ArrayList<>();
        while (m.find()) out.add(Integer.parseInt(m.group(1)));
        return out;
    }
}
