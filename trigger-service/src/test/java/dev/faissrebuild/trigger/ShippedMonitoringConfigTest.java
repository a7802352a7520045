package dev.faissrebuild.trigger;

import static dev.faissrebuild.trigger.ExternalTool.repoRoot;
import static dev.faissrebuild.trigger.ExternalTool.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** deploy/prometheus/prometheus.yml and deploy/alertmanager/alertmanager.yml, as their own tools read them. */
class ShippedMonitoringConfigTest {
    static final Path PROMETHEUS = repoRoot().resolve("deploy/prometheus");
    static final Path ALERTMANAGER = repoRoot().resolve("deploy/alertmanager");

    @Test
    void prometheusConfigIsValidAndLoadsTheRules() throws Exception {
        assertThat(succeed(PROMETHEUS, "promtool", "check", "config", "prometheus.yml"))
                .contains("SUCCESS: prometheus.yml is valid prometheus config file syntax", "SUCCESS: 5 rules found");
    }

    @Test
    void prometheusScrapesBothLayouts() throws Exception {
        String config = Files.readString(PROMETHEUS.resolve("prometheus.yml"));
        assertThat(config).contains("targets: ['127.0.0.1:9100']", "targets: ['localhost:9093']", "metrics_path: /metrics");
        for (String component : new String[] {"all-in-one", "trigger", "builder", "validator", "deployer", "notifier"}) {
            assertThat(config).contains("labels: {component: " + component + "}");
        }
    }

    @Test
    void alertmanagerConfigIsValid() throws Exception {
        assertThat(succeed(ALERTMANAGER, "amtool", "check-config", "alertmanager.yml"))
                .contains("Checking 'alertmanager.yml'  SUCCESS", "- 1 inhibit rules", "- 3 receivers");
    }

    @Test
    void criticalGoesEverywhereWarningToSlackAndTheWebhookOthersToTheDefault() throws Exception {
        assertThat(route("faiss-rebuild-critical", "alertname=FAISSIndexLowRecall", "severity=critical")).isEqualTo("faiss-rebuild-critical");
        assertThat(route("faiss-rebuild-critical", "alertname=FAISSRebuildConsecutiveFailures", "severity=critical")).isEqualTo("faiss-rebuild-critical");
        assertThat(route("faiss-rebuild-warning", "alertname=FAISSRebuildStale", "severity=warning")).isEqualTo("faiss-rebuild-warning");
        assertThat(route("default", "alertname=NodeFilesystemFull", "severity=critical")).isEqualTo("default");
        String config = Files.readString(ALERTMANAGER.resolve("alertmanager.yml"));
        assertThat(receiver(config, "faiss-rebuild-critical")).contains("webhook_configs:", "email_configs:", "slack_configs:");
        assertThat(receiver(config, "faiss-rebuild-warning")).contains("webhook_configs:", "slack_configs:").doesNotContain("email_configs:");
    }

    /** The receiver amtool routes an alert with these labels to (and --verify.receivers makes amtool fail on any other). */
    private static String route(String expected, String... labels) throws Exception {
        String[] command = {"amtool", "config", "routes", "test", "--config.file=alertmanager.yml", "--verify.receivers=" + expected};
        String out = succeed(ALERTMANAGER, concat(command, labels));
        return out.lines().filter(l -> !l.startsWith("Warning:")).findFirst().orElse("").strip();
    }

    /** The text of one receiver's definition: from its name to the next receiver or the end. */
    private static String receiver(String config, String name) {
        String tail = config.substring(config.indexOf("  - name: " + name + "\n"));
        int next = tail.indexOf("  - name: ", 1);
        return next < 0 ? tail : tail.substring(0, next);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
