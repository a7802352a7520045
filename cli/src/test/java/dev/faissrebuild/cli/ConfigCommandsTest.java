package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config validate --file} and {@code config show}, as an operator runs them. */
class ConfigCommandsTest {
    /** The seed's own example (worker-runtime's test resource; Maven runs tests from the module's directory). */
    static final Path SEED_EXAMPLE = Path.of("../worker-runtime/src/test/resources/dev/faissrebuild/runtime/config/seed-example-config.json");
    static final String SECRETS = """
            {"scheduler": {"notification_channels": ["slack", "webhook", "email"]},
             "monitoring": {"max_failure_rate": 0.25},
             "kafka": {"bootstrap_servers": "kafka:9093", "client_properties": {"security.protocol": "SASL_SSL",
                 "sasl.jaas.config": "org.apache.kafka.common.security.plain.PlainLoginModule required password=\\"hunter2\\";",
                 "ssl.truststore.password": "hunter3", "sasl.mechanism": "PLAIN"}},
             "notifications": {"slack": {"webhook_url": "https://hooks.slack.com/services/T000/B000/XXXXSECRET"},
                 "email": {"password_env": "SMTP_PASSWORD"},
                 "webhooks": [{"url": "https://ops.example.org/hook/tok3n", "secret_env": "HOOK_SECRET",
                               "headers": {"Authorization": "Bearer abc.def"}}]}}""";
    @TempDir Path dir;

    @Test
    void theSeedsExampleIsValid() {
        CliRun r = CliRun.run("", "config", "validate", "--file", SEED_EXAMPLE.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("config " + SEED_EXAMPLE + " is valid: 10 field(s) set");
    }

    @Test
    void aBadFileIsRefusedWithEveryProblemAndNoStackTrace() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.json"), """
                {"monitoring": {"integrate_with_existing_monitoring": "yes", "max_failure_rate": 0.5, "min_success_rate_24h": 0.6},
                 "rebuild": {"staging_dir": "/tmp/s", "max_memory_gb": -2}, "validation": {"enabled": 0}}""");
        CliRun r = CliRun.run("", "config", "validate", "--file", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.errorLines()).contains("config " + f + ": 5 problem(s)")
                .contains("field 'monitoring.integrate_with_existing_monitoring' has the wrong type: \"yes\" given, expected true or false")
                .contains("monitoring.max_failure_rate = 0.5 and monitoring.min_success_rate_24h = 0.6: expected two values that sum to 1")
                .contains("unknown field 'rebuild.staging_dir': the original system's staging_dir cannot be set")
                .contains("rebuild.max_memory_gb = -2.0: expected a number of GiB from 0")
                .contains("field 'validation.enabled' has the wrong type: 0 given, expected true or false")
                .doesNotContain("Exception").doesNotContain("\tat ");
        CliRun missing = CliRun.run("", "config", "validate", "--file", dir.resolve("absent.json").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.errorLines()).contains("absent.json: no such file").doesNotContain("Exception");
    }

    @Test
    void showMasksCredentialsButNotTheNamesOfTheirVariables() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), SECRETS);
        CliRun r = CliRun.run("", "config", "show", "--config", f.toString(), "--data-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("config file: " + f)
                .containsPattern("notifications\\.slack\\.webhook_url +https://hooks\\.slack\\.com/\\*\\*\\*\\* +file")
                .contains("\"url\":\"https://ops.example.org/****\"").contains("\"Authorization\":\"****\"")
                .contains("\"secret_env\":\"HOOK_SECRET\"").containsPattern("password_env +SMTP_PASSWORD")
                .contains("\"sasl.jaas.config\":\"****\"").contains("\"ssl.truststore.password\":\"****\"")
                .contains("\"security.protocol\":\"SASL_SSL\"").contains("\"sasl.mechanism\":\"PLAIN\"")
                .containsPattern("monitoring\\.min_success_rate_24h +0\\.75 +1 - monitoring\\.max_failure_rate \\(file\\)")
                .containsPattern("paths\\.data_dir +" + java.util.regex.Pattern.quote(dir.toString()) + " +--data-dir")
                .containsPattern("scheduler\\.timezone +UTC +built-in default")
                .doesNotContain("XXXXSECRET").doesNotContain("hunter").doesNotContain("abc.def").doesNotContain("tok3n");
    }

    @Test
    void showNamesTheBackupKeyFileButNeverItsKey() throws Exception {
        String hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        Path key = Files.writeString(dir.resolve("backup.key"), hex + "\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path f = Files.writeString(dir.resolve("c.json"), "{\"backup\": {\"encryption_key_file\": \"" + key + "\"}}");
        for (CliRun r : new CliRun[] {CliRun.run("", "config", "show", "--config", f.toString()),
                CliRun.run("", "config", "show", "--json", "--config", f.toString())}) {
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains(key.toString()).doesNotContain(hex).doesNotContain("00112233");
        }
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CliRun open = CliRun.run("", "config", "validate", "--file", f.toString());
        assertThat(open.code()).isEqualTo(1);
        assertThat(open.errorLines()).contains("backup.encryption_key_file = \"" + key + "\": " + key + " may be read by any user of this host")
                .doesNotContain("00112233").doesNotContain("\tat ");
    }

    @Test
    void showAsJsonHoldsTheNestedConfigurationAndTheSourceOfEachField() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), SECRETS);
        CliRun r = CliRun.run("", "config", "show", "--json", "--config", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("file").asText()).isEqualTo(f.toString());
        assertThat(j.at("/config/kafka/bootstrap_servers").asText()).isEqualTo("kafka:9093");
        assertThat(j.at("/config/kafka/client_properties/sasl.jaas.config").asText()).isEqualTo("****");
        assertThat(j.at("/config/monitoring/min_success_rate_24h").asDouble()).isEqualTo(0.75);
        assertThat(j.at("/sources/kafka.bootstrap_servers").asText()).isEqualTo("file");
        assertThat(j.at("/sources/backup.max_count").asText()).isEqualTo("built-in default");
        assertThat(r.out()).doesNotContain("hunter");
    }
}
