package dev.faissrebuild.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The original system's configuration, as its documentation shows it, and its field names. */
class SeedConfigTest {
    /** The JSON under "2. Configuration" of the seed's FAISS_INDEX_AUTOMATION.md, verbatim. */
    static final Path SEED_EXAMPLE = Path.of("src/test/resources/dev/faissrebuild/runtime/config/seed-example-config.json");
    @TempDir Path dir;

    @Test
    void theSeedsExampleLoadsWithItsValues() {
        LoadedConfig loaded = ConfigLoader.read(SEED_EXAMPLE, dir, java.util.Map.of());
        FaissRebuildConfig c = loaded.config();
        assertThat(c.scheduler().notificationChannels()).containsExactly("log", "email");
        assertThat(c.monitoring().integrateWithExistingMonitoring()).isTrue();
        assertThat(c.scheduler().logLevel()).isEqualTo("INFO");
        // email works without more settings: the local MTA, to root, as cron and other daemons mail by default
        assertThat(c.notifications().email().smtpHost()).isEqualTo("localhost");
        assertThat(c.notifications().email().to()).containsExactly("root@localhost");
        assertThat(loaded.field("monitoring.integrate_with_existing_monitoring").orElseThrow().source())
                .isEqualTo(new ConfigSource.File(SEED_EXAMPLE));
    }

    @Test
    void seedFieldsThatAreNotFieldsHereSayWhereTheyWentOrWhyTheyCannotBeSet() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), """
                {"rebuild": {"backup_dir": "/srv/b", "staging_dir": "/srv/s", "validation_enabled": false, "embeddings_dir": "e"},
                 "monitoring": {"max_memory_gb": 8}}""");
        assertThatThrownBy(() -> ConfigLoader.load(f, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("5 problem(s)")
                .hasMessageContaining("unknown field 'rebuild.backup_dir': the original system's backup_dir cannot be set: "
                        + "backups are always <paths.indices_dir>/backups")
                .hasMessageContaining("unknown field 'rebuild.staging_dir': the original system's staging_dir cannot be set")
                .hasMessageContaining("unknown field 'rebuild.validation_enabled': the original system's validation_enabled is validation.enabled here")
                .hasMessageContaining("unknown field 'rebuild.embeddings_dir': the original system's embeddings_dir is paths.embeddings_dir here")
                .hasMessageContaining("unknown field 'monitoring.max_memory_gb': the original system's max_memory_gb is rebuild.max_memory_gb here");
    }

    @Test
    void everyProblemOfEveryKindIsReportedAtOnce() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), """
                {"schedular": {},
                 "scheduler": {"rebuild_shedule": "0 3 * * *", "max_consecutive_failures": 2.5, "timezone": null},
                 "rebuild": {"horizons": [6, "12"], "max_memory_gb": -1},
                 "monitoring": {"metrics_port": "ninety-one", "health_check_port": 70000},
                 "notifications": {"webhooks": [{"url": "https://h.example/x", "secret": "s"}]}}""");
        assertThatThrownBy(() -> ConfigLoader.load(f, null)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(9))
                .hasMessageContaining("unknown section 'schedular'")
                .hasMessageContaining("unknown field 'scheduler.rebuild_shedule'")
                .hasMessageContaining("field 'scheduler.max_consecutive_failures' has the wrong type: 2.5 given, expected an integer")
                .hasMessageContaining("field 'scheduler.timezone' has the wrong type: null given, expected a string")
                .hasMessageContaining("field 'rebuild.horizons' has the wrong type: [6,\"12\"] given, expected a list of integers")
                .hasMessageContaining("rebuild.max_memory_gb = -1.0: expected a number of GiB from 0 (no budget)")
                .hasMessageContaining("field 'monitoring.metrics_port' has the wrong type: \"ninety-one\" given, expected an integer")
                .hasMessageContaining("monitoring.health_check_port = 70000: expected an integer from 0 to 65535")
                .hasMessageContaining("unknown field 'notifications.webhooks[0].secret'; known fields there: allow_insecure_http, headers, secret_env, url");
    }

    @Test
    void aWebhookMayLeaveOutItsSecretAndHeaders() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), """
                {"scheduler": {"notification_channels": ["webhook"]}, "notifications": {"webhooks": [{"url": "https://h.example/x"}]}}""");
        FaissRebuildConfig.Webhook w = ConfigLoader.load(f, null).notifications().webhooks().getFirst();
        assertThat(w.headers()).isEmpty();
        assertThat(w.secretEnv()).isEmpty();
    }
}
