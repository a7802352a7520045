package dev.faissrebuild.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each value comes from: default < file < --data-dir < environment; and values derived from others. */
class ConfigSourcesTest {
    @TempDir Path dir;

    private Path file(String json) throws Exception {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    private static ConfigSource source(LoadedConfig c, String field) {
        return c.field(field).orElseThrow().source();
    }

    @Test
    void eachValueNamesItsSource() throws Exception {
        Path f = file("{\"scheduler\": {\"timezone\": \"Australia/Adelaide\", \"log_level\": \"WARN\"}, \"paths\": {\"data_dir\": \"/x\"}}");
        LoadedConfig c = ConfigLoader.read(f, dir, Map.of(ConfigLoader.LOG_LEVEL_ENV, "debug"));
        assertThat(c.file()).contains(f);
        assertThat(source(c, "scheduler.timezone")).isEqualTo(new ConfigSource.File(f));
        assertThat(source(c, "scheduler.rebuild_schedule")).isEqualTo(new ConfigSource.Default());
        assertThat(source(c, "paths.data_dir")).isEqualTo(new ConfigSource.Option("--data-dir"));
        assertThat(c.config().paths().data()).isEqualTo(dir.toAbsolutePath());
        // the environment variable wins over the file
        assertThat(source(c, "scheduler.log_level")).isEqualTo(new ConfigSource.Environment("FAISS_REBUILD_LOG_LEVEL"));
        assertThat(c.config().scheduler().logLevel()).isEqualTo("debug");
        assertThat(c.field("kafka.client_properties")).isPresent();
        assertThat(c.fields()).extracting(LoadedConfig.Field::path).doesNotHaveDuplicates()
                .contains("notifications.slack.webhook_url", "rebuild.max_memory_gb", "validation.queries_file");
    }

    @Test
    void withoutAFileTheFileLevelIsTheFileAndTheEnvironmentStillWins() throws Exception {
        LoadedConfig c = ConfigLoader.read(file("{\"scheduler\": {\"log_level\": \"ERROR\"}}"), null, Map.of());
        assertThat(c.config().scheduler().logLevel()).isEqualTo("ERROR");
        LoadedConfig blank = ConfigLoader.read(dir.resolve("config.json"), null, Map.of(ConfigLoader.LOG_LEVEL_ENV, "  "));
        assertThat(blank.config().scheduler().logLevel()).isEqualTo("ERROR"); // blank = unset
    }

    @Test
    void aBadEnvironmentValueIsRefusedNamingTheVariable() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.read(file("{}"), null, Map.of(ConfigLoader.LOG_LEVEL_ENV, "LOUD")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("scheduler.log_level = \"LOUD\": expected one of DEBUG, ERROR, INFO, TRACE, WARN "
                        + "(from environment variable FAISS_REBUILD_LOG_LEVEL)");
    }

    @Test
    void settingOnlyOneFailureThresholdSetsTheOtherToItsComplement() throws Exception {
        LoadedConfig failure = ConfigLoader.read(file("{\"monitoring\": {\"max_failure_rate\": 0.35}}"), null, Map.of());
        assertThat(failure.config().monitoring().minSuccessRate24h()).isEqualTo(0.65);
        assertThat(source(failure, "monitoring.min_success_rate_24h").describe())
                .isEqualTo("1 - monitoring.max_failure_rate (file " + dir.resolve("config.json") + ")");
        LoadedConfig success = ConfigLoader.read(file("{\"monitoring\": {\"min_success_rate_24h\": 0.9}}"), null, Map.of());
        assertThat(success.config().monitoring().maxFailureRate()).isEqualTo(0.1); // not 1 - 0.9 = 0.09999999999999998
        LoadedConfig thirds = ConfigLoader.read(file("{\"monitoring\": {\"min_success_rate_24h\": 0.666666666667, \"max_failure_rate\": 0.333333333333}}"),
                null, Map.of());
        assertThat(thirds.config().monitoring().maxFailureRate()).isEqualTo(0.333333333333);
        LoadedConfig none = ConfigLoader.read(file("{}"), null, Map.of());
        assertThat(none.config().monitoring().maxFailureRate() + none.config().monitoring().minSuccessRate24h()).isEqualTo(1.0);
    }

    @Test
    void twoFailureThresholdsThatDoNotSumToOneAreRefused() throws Exception {
        Path f = file("{\"monitoring\": {\"max_failure_rate\": 0.3, \"min_success_rate_24h\": 0.8}}");
        assertThatThrownBy(() -> ConfigLoader.load(f, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("monitoring.max_failure_rate = 0.3 and monitoring.min_success_rate_24h = 0.8: expected two values that sum to 1")
                .hasMessageContaining("set only one of them");
    }
}
