package dev.faissrebuild.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir Path dir;

    private Path file(String json) throws Exception {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    void defaultsAreTheSeedsValues() {
        FaissRebuildConfig c = ConfigLoader.defaults();
        assertThat(c.scheduler().rebuildSchedule()).isEqualTo("0 2 * * 0");
        assertThat(c.scheduler().timezone()).isEqualTo("UTC");
        assertThat(c.validation().minRecallThreshold()).isEqualTo(0.95);
        assertThat(c.validation().maxLatencyThresholdMs()).isEqualTo(100.0);
        assertThat(c.monitoring().metricsPort()).isEqualTo(9100);
        assertThat(c.monitoring().healthCheckPort()).isEqualTo(8080);
        assertThat(c.rebuild().horizons()).containsExactly(6, 12, 24, 48);
        assertThat(c.kafka().embedded()).isTrue();
    }

    @Test
    void aUserFileOverridesFieldByFieldAndDataDirOverridesPaths() throws Exception {
        Path f = file("{\"scheduler\": {\"timezone\": \"Australia/Adelaide\"}, \"monitoring\": {\"metrics_port\": 0}}");
        FaissRebuildConfig c = ConfigLoader.load(f, dir);
        assertThat(c.scheduler().timezone()).isEqualTo("Australia/Adelaide");
        assertThat(c.scheduler().rebuildSchedule()).isEqualTo("0 2 * * 0");
        assertThat(c.monitoring().metricsPort()).isZero();
        assertThat(c.monitoring().healthCheckPort()).isEqualTo(8080);
        assertThat(c.paths().indices()).isEqualTo(dir.toAbsolutePath().resolve("indices"));
    }

    @Test
    void everyBadValueIsNamedWithWhatWasExpected() throws Exception {
        Path f = file("""
                {"scheduler": {"timezone": "Mars/Olympus", "notification_channels": ["log", "pager"]},
                 "validation": {"min_recall_threshold": 1.5},
                 "rebuild": {"horizons": [6, 7]},
                 "backup": {"min_count": 5, "max_count": 2}}""");
        assertThatThrownBy(() -> ConfigLoader.load(f, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config " + f + ": 5 problem(s)")
                .hasMessageContaining("\"Mars/Olympus\" is not a time zone; expected an IANA zone")
                .hasMessageContaining("scheduler.notification_channels = \"pager\": expected one of email, log, slack, webhook")
                .hasMessageContaining("validation.min_recall_threshold = 1.5: expected a fraction from 0 to 1")
                .hasMessageContaining("rebuild.horizons = 7: horizon 7h is not one of 6h, 12h, 24h, 48h")
                .hasMessageContaining("backup.max_count = 2: expected an integer from 5 to 10000");
    }

    @Test
    void aBadCronIsRefused() throws Exception {
        Path f = file("{\"scheduler\": {\"rebuild_schedule\": \"every sunday\"}}");
        assertThatThrownBy(() -> ConfigLoader.load(f, null)).hasMessageContaining("\"every sunday\" is not a Unix cron expression");
    }

    @Test
    void unknownFieldsSectionsAndWrongTypesAreRefused() throws Exception {
        Path typo = file("{\"scheduler\": {\"rebuild_shedule\": \"0 3 * * *\"}}");
        assertThatThrownBy(() -> ConfigLoader.load(typo, null)).hasMessageContaining("unknown field 'scheduler.rebuild_shedule'")
                .hasMessageContaining("rebuild_schedule");
        Path section = file("{\"schedular\": {}}");
        assertThatThrownBy(() -> ConfigLoader.load(section, null)).hasMessageContaining("unknown section 'schedular'");
        Path type = file("{\"monitoring\": {\"metrics_port\": \"ninety-one\"}}");
        assertThatThrownBy(() -> ConfigLoader.load(type, null)).hasMessageContaining("field 'monitoring.metrics_port' has the wrong type");
        Path json = file("{\"monitoring\": ");
        assertThatThrownBy(() -> ConfigLoader.load(json, null)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.json"), null)).hasMessageContaining("no such file");
    }

    @Test
    void channelsNeedTheirSettings() throws Exception {
        Path f = file("""
                {"scheduler": {"notification_channels": ["email", "slack"]},
                 "notifications": {"email": {"smtp_host": "", "to": []}}}""");
        assertThatThrownBy(() -> ConfigLoader.load(f, null))
                .hasMessageContaining("notifications.email.smtp_host")
                .hasMessageContaining("notifications.email.to")
                .hasMessageContaining("notifications.slack.webhook_url = \"\": expected an http(s) URL");
    }

    @Test
    void plainHttpReceiversOffThisHostAreRefusedUnlessAllowedByName() throws Exception {
        Path refused = file("""
                {"scheduler": {"notification_channels": ["slack", "webhook"]},
                 "notifications": {"slack": {"webhook_url": "http://hooks.example.com/services/T0/B0/x"},
                                   "webhooks": [{"url": "http://hooks.example.com/in"}, {"url": "http://127.0.0.1:8099/in"}]}}""");
        assertThatThrownBy(() -> ConfigLoader.load(refused, null))
                .hasMessageContaining("notifications.slack.webhook_url = \"http://hooks.example.com/services/T0/B0/x\": expected an https:// URL")
                .hasMessageContaining("set notifications.slack.allow_insecure_http to true")
                .hasMessageContaining("notifications.webhooks[0].url = \"http://hooks.example.com/in\": expected an https:// URL")
                .hasMessageNotContaining("webhooks[1]"); // loopback: the traffic never leaves the host
        Path allowed = file("""
                {"scheduler": {"notification_channels": ["slack", "webhook"]},
                 "notifications": {"slack": {"webhook_url": "http://hooks.example.com/services/T0/B0/x", "allow_insecure_http": true},
                                   "webhooks": [{"url": "http://hooks.example.com/in", "allow_insecure_http": true},
                                                {"url": "https://hooks.example.com/in"}]}}""");
        FaissRebuildConfig c = ConfigLoader.load(allowed, null);
        assertThat(c.notifications().webhooks()).extracting(FaissRebuildConfig.Webhook::allowInsecureHttp).containsExactly(true, false);
    }

    @Test
    void anArtifactStoreIsAnS3LocationOrAnAbsoluteDirectoryAndS3SettingsNeedAnS3Store() throws Exception {
        assertThat(ConfigLoader.defaults().artifacts().shared()).as("by default artifacts stay on this machine").isFalse();
        Path bad = file("""
                {"artifacts": {"store": "relative/dir", "s3_endpoint": "http://127.0.0.1:9000"}}""");
        assertThatThrownBy(() -> ConfigLoader.load(bad, null))
                .hasMessageContaining("artifacts.store = \"relative/dir\": expected \"\" (this machine's indices directory), s3://bucket[/prefix], or an absolute directory path")
                .hasMessageContaining("artifacts.s3_endpoint = \"http://127.0.0.1:9000\": expected \"\" unless artifacts.store or paths.embeddings_dir is an s3:// location (it would be ignored)");
        Path halfCredentials = file("""
                {"artifacts": {"store": "s3://Bad_Bucket/x", "s3_endpoint": "minio:9000", "s3_access_key_id_env": "K"}}""");
        assertThatThrownBy(() -> ConfigLoader.load(halfCredentials, null))
                .hasMessageContaining("artifacts.store = \"s3://Bad_Bucket/x\": expected s3://bucket[/prefix] with a valid bucket name")
                .hasMessageContaining("artifacts.s3_endpoint = \"minio:9000\": expected an http(s) URL")
                .hasMessageContaining("artifacts.s3_secret_access_key_env = \"\": expected set together with artifacts.s3_access_key_id_env");
        FaissRebuildConfig ok = ConfigLoader.load(file("""
                {"artifacts": {"store": "s3://faiss-artifacts/site-a", "s3_endpoint": "http://minio.internal:9000", "s3_region": "eu-west-1",
                               "s3_access_key_id_env": "K", "s3_secret_access_key_env": "S"}}"""), null);
        assertThat(ok.artifacts().shared()).isTrue();
        assertThat(ok.artifacts().s3Region()).isEqualTo("eu-west-1");
    }
}
