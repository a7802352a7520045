package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faissrebuild.runtime.config.ConfigReload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP re-reads the configuration: a changed schedule takes effect without a restart, a bad file is
 * refused with its reasons and the running configuration stays, fields that need a restart are named.
 */
class ConfigReloadTest extends WithRunningSystem {
    static final String CONFIG = """
            {"scheduler": {"enabled": true, "rebuild_schedule": "%s", "timezone": "UTC"}, "rebuild": {"max_workers": %s},
             "monitoring": {"health_check_port": 0, "metrics_port": 0}}""";

    @Test
    void aChangedScheduleTakesEffectABadFileIsRefusedAndTheRestIsNamed() throws Exception {
        system = RunningSystem.start(dir, 1500, 16, CONFIG.formatted("0 2 * * 0", 2), c -> c.withEphemeralPorts());
        assertThat(nextRun()).contains("T02:00Z");
        Path file = dir.resolve("config.json");
        ConfigReload reloads = system.local().runtime().reloads().readFrom(() -> dev.faissrebuild.runtime.config.ConfigLoader.load(file, dir));

        Files.writeString(file, CONFIG.formatted("30 3 * * *", 2));
        assertThat(reloads.reload()).isEqualTo(new ConfigReload.Outcome.Applied(java.util.List.of("scheduler.rebuild_schedule"), java.util.List.of()));
        assertThat(nextRun()).as("the next run under the new rule").contains("T03:30Z");

        Files.writeString(file, "{\"rebuild\": {\"max_workers\": \"two\"}}");
        assertThat(reloads.reload()).isInstanceOfSatisfying(ConfigReload.Outcome.Refused.class,
                r -> assertThat(r.reason()).contains("rebuild.max_workers"));
        assertThat(nextRun()).as("the running configuration stays").contains("T03:30Z");
        assertThat(RunningSystem.get(system.healthUrl()).statusCode()).isEqualTo(200);

        Files.writeString(file, CONFIG.formatted("30 3 * * *", 3));
        assertThat(reloads.reload()).isEqualTo(new ConfigReload.Outcome.Applied(java.util.List.of(), java.util.List.of("rebuild.max_workers")));
    }

    @Test
    void upReloadsOnSighupAndKeepsRunning() throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), CONFIG.formatted("0 2 * * 0", 2));
        try (ChildJvm up = ChildJvm.start(dir, dir.resolve("up.log"), FaissRebuildCli.class, "up", "--data-dir", dir.toString(), "--config",
                file.toString())) {
            up.await("faiss-rebuild is up", Duration.ofSeconds(90));
            Files.writeString(file, CONFIG.formatted("15 4 * * *", 2));
            assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(up.pid())).start().waitFor()).isZero();
            up.await("event=config_reloaded live=\\[scheduler.rebuild_schedule] need_restart=\\[]", Duration.ofSeconds(30));
            up.await("event=schedule_next rule=\"15 4 \\* \\* \\*", Duration.ofSeconds(30));
            Thread.sleep(1000);
            assertThat(ProcessHandle.of(up.pid()).map(ProcessHandle::isAlive)).as("alive after SIGHUP").hasValue(true);
        }
    }

    private String nextRun() throws Exception {
        return system.json(system.apiUrl("/status")).get("next_scheduled_run").asText();
    }
}
