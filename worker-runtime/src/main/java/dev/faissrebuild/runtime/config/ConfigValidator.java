package dev.faissrebuild.runtime.config;

import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexType;
import dev.faissrebuild.runtime.schedule.CronSchedule;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks every value of a configuration and reports all problems at once, each with field, value and expectation. */
final class ConfigValidator {
    private static final Set<String> CHANNELS = Set.of("log", "slack", "email", "webhook");
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");
    private final List<String> problems = new ArrayList<>();

    private ConfigValidator() {}

    /** Every problem of {@code c}, each as "field = value: expected ..."; empty when it holds together. */
    static List<String> problems(FaissRebuildConfig c) {
        ConfigValidator v = new ConfigValidator();
        v.rebuild(c.rebuild());
        v.validation(c.validation());
        v.scheduler(c.scheduler());
        v.monitoring(c.monitoring());
        v.range("kafka.embedded_port", c.kafka().embeddedPort(), 0, 65535);
        v.range("deploy.verify_queries", c.deploy().verifyQueries(), 1, 10_000);
        v.backup(c.backup());
        v.backupKey(c);
        v.notifications(c.notifications(), c.scheduler().notificationChannels());
        v.logging(c.logging());
        v.artifacts(c.artifacts(), c.paths());
        return v.problems;
    }

    private void rebuild(FaissRebuildConfig.Rebuild r) {
        if (r.horizons().isEmpty()) problem("rebuild.horizons", r.horizons(), "at least one of " + Horizon.labels());
        for (int h : r.horizons()) expect("rebuild.horizons", h, () -> Horizon.ofHours(h));
        if (r.indexTypes().isEmpty()) problem("rebuild.index_types", r.indexTypes(), "at least one of " + IndexType.codes());
        for (String t : r.indexTypes()) expect("rebuild.index_types", t, () -> IndexType.parse(t));
        range("rebuild.max_workers", r.maxWorkers(), 1, 64);
        range("rebuild.threads_per_build", r.threadsPerBuild(), 0, 256);
        range("rebuild.max_rebuild_time_minutes", r.maxRebuildTimeMinutes(), 1, 7 * 24 * 60);
        range("rebuild.ivfpq_max_bytes_per_vector", r.ivfpqMaxBytesPerVector(), 1, 1 << 20);
        if (!(r.maxMemoryGb() >= 0 && r.maxMemoryGb() <= 1 << 20)) {
            problem("rebuild.max_memory_gb", r.maxMemoryGb(), "a number of GiB from 0 (no budget) to 1048576");
        }
        if (!(r.incrementalMaxGrowth() >= 0 && r.incrementalMaxGrowth() <= 100)) {
            problem("rebuild.incremental_max_growth", r.incrementalMaxGrowth(), "a share of rows from 0 (always a full build) to 100");
        }
    }

    private void validation(FaissRebuildConfig.Validation v) {
        fraction("validation.min_recall_threshold", v.minRecallThreshold());
        positive("validation.max_latency_threshold_ms", v.maxLatencyThresholdMs());
        range("validation.validation_sample_size", v.validationSampleSize(), 10, 1_000_000);
        range("validation.recall_k", v.recallK(), 1, 1024);
        fraction("validation.max_recall_drop", v.maxRecallDrop());
        if (v.latencyRegressionSlackMs() < 0) problem("validation.latency_regression_slack_ms", v.latencyRegressionSlackMs(), "a number of ms >= 0");
        if (v.maxLatencyIncrease() < 0) problem("validation.max_latency_increase", v.maxLatencyIncrease(), "a fraction >= 0 (0.5 = 50 %)");
    }

    private void scheduler(FaissRebuildConfig.Scheduler s) {
        expect("scheduler.rebuild_schedule / scheduler.timezone", s.rebuildSchedule() + " " + s.timezone(),
                () -> CronSchedule.parse(s.rebuildSchedule(), s.timezone()));
        range("scheduler.max_rebuild_duration_hours", s.maxRebuildDurationHours(), 1, 24 * 7);
        range("scheduler.max_consecutive_failures", s.maxConsecutiveFailures(), 1, 1000);
        range("scheduler.failure_cooldown_hours", s.failureCooldownHours(), 0, 24 * 365);
        for (String ch : s.notificationChannels()) {
            if (!CHANNELS.contains(ch)) problem("scheduler.notification_channels", ch, "one of " + String.join(", ", sorted(CHANNELS)));
        }
        if (s.logLevel() == null || !LEVELS.contains(s.logLevel().toUpperCase(java.util.Locale.ROOT))) problem("scheduler.log_level", s.logLevel(), "one of " + String.join(", ", sorted(LEVELS)));
    }

    private void monitoring(FaissRebuildConfig.Monitoring m) {
        range("monitoring.metrics_port", m.metricsPort(), 0, 65535);
        range("monitoring.health_check_port", m.healthCheckPort(), 0, 65535);
        if (m.bindAddress() == null || m.bindAddress().isBlank()) problem("monitoring.bind_address", m.bindAddress(), "an address such as 127.0.0.1");
        positive("monitoring.max_rebuild_duration_minutes", m.maxRebuildDurationMinutes());
        fraction("monitoring.max_failure_rate", m.maxFailureRate());
        fraction("monitoring.min_success_rate_24h", m.minSuccessRate24h());
        fraction("monitoring.min_recall_score", m.minRecallScore());
        range("monitoring.stale_after_days", m.staleAfterDays(), 1, 3650);
        if (m.tls() && m.tlsKeystorePasswordEnv().isBlank()) {
            problem("monitoring.tls_keystore_password_env", "", "the name of the environment variable holding the password of "
                    + "monitoring.tls_keystore_file (a PKCS#12 keystore)");
        }
    }

    private void logging(FaissRebuildConfig.Logging l) {
        range("logging.max_file_size_mb", l.maxFileSizeMb(), 1, 1 << 20);
        range("logging.max_history_days", l.maxHistoryDays(), 1, 3650);
        range("logging.total_size_cap_mb", l.totalSizeCapMb(), l.maxFileSizeMb(), 1 << 24);
    }

    private void backup(FaissRebuildConfig.Backup b) {
        range("backup.min_count", b.minCount(), 0, 10_000);
        range("backup.max_count", b.maxCount(), Math.max(1, b.minCount()), 10_000);
        range("backup.expire_after_days", b.expireAfterDays(), 0, 36_500);
    }

    /** The key file is read now, so a missing or malformed key stops the start, not the first backup after a deploy. */
    private void backupKey(FaissRebuildConfig c) {
        try {
            BackupKey.of(c);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    private void notifications(FaissRebuildConfig.Notifications n, List<String> channels) {
        if (!SEVERITIES.contains(n.minSeverity())) problem("notifications.min_severity", n.minSeverity(), "one of INFO, WARNING, CRITICAL");
        if (channels.contains("slack")) url("notifications.slack.webhook_url", n.slack().webhookUrl(), n.slack().allowInsecureHttp(),
                "notifications.slack.allow_insecure_http");
        if (channels.contains("email")) {
            if (n.email().smtpHost().isBlank()) problem("notifications.email.smtp_host", "", "the SMTP server's host name (email is a notification channel)");
            if (n.email().to().isEmpty()) problem("notifications.email.to", "[]", "at least one recipient (email is a notification channel)");
            range("notifications.email.smtp_port", n.email().smtpPort(), 1, 65535);
        }
        if (channels.contains("webhook") && n.webhooks().isEmpty()) problem("notifications.webhooks", "[]", "at least one webhook (webhook is a notification channel)");
        for (int i = 0; i < n.webhooks().size(); i++) {
            url("notifications.webhooks[" + i + "].url", n.webhooks().get(i).url(), n.webhooks().get(i).allowInsecureHttp(),
                    "notifications.webhooks[" + i + "].allow_insecure_http");
        }
    }

    /**
     * An http(s) URL; plain http only to this host (the traffic never leaves it) or where the receiver's
     * {@code allow_insecure_http} says so: webhook URLs, bodies and signatures are secrets.
     */
    private void url(String field, String value, boolean insecureAllowed, String allowField) {
        URI uri;
        try {
            uri = URI.create(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) throw new IllegalArgumentException();
        } catch (RuntimeException e) {
            problem(field, value, "an http(s) URL");
            return;
        }
        if ("http".equals(uri.getScheme()) && !insecureAllowed && !loopback(uri.getHost())) {
            problem(field, value, "an https:// URL: plain http would send the notification and its secrets in clear over the network "
                    + "(set " + allowField + " to true to accept it anyway)");
        }
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.equals("::1") || h.startsWith("127.");
    }

    /** A store location of a known kind; S3 settings only with an S3 store (they would be ignored otherwise). */
    private void artifacts(FaissRebuildConfig.Artifacts a, FaissRebuildConfig.Paths paths) {
        boolean s3 = a.store().startsWith("s3://");
        if (s3) bucket("artifacts.store", a.store());
        else if (a.shared() && !java.nio.file.Path.of(a.store()).isAbsolute()) {
            problem("artifacts.store", a.store(), "\"\" (this machine's indices directory), s3://bucket[/prefix], or an absolute directory path");
        }
        if (paths.embeddingsInStore()) bucket("paths.embeddings_dir", paths.embeddingsDir());
        if (!s3 && !paths.embeddingsInStore()) {
            for (var f : java.util.Map.of("artifacts.s3_endpoint", a.s3Endpoint(), "artifacts.s3_access_key_id_env", a.s3AccessKeyIdEnv(),
                    "artifacts.s3_secret_access_key_env", a.s3SecretAccessKeyEnv()).entrySet()) {
                if (!f.getValue().isBlank()) {
                    problem(f.getKey(), f.getValue(), "\"\" unless artifacts.store or paths.embeddings_dir is an s3:// location (it would be ignored)");
                }
            }
            return;
        }
        if (!a.s3Endpoint().isBlank()) url("artifacts.s3_endpoint", a.s3Endpoint(), true, "");
        if (a.s3Region() == null || !a.s3Region().matches("[a-z0-9-]+")) problem("artifacts.s3_region", a.s3Region(), "a region name like us-east-1");
        if (a.s3AccessKeyIdEnv().isBlank() != a.s3SecretAccessKeyEnv().isBlank()) {
            problem("artifacts.s3_secret_access_key_env", a.s3SecretAccessKeyEnv(),
                    "set together with artifacts.s3_access_key_id_env (both, or neither for the AWS default credentials chain)");
        }
    }

    private void bucket(String field, String location) {
        if (!location.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
            problem(field, location, "s3://bucket[/prefix] with a valid bucket name (3-63 lower-case letters, digits, '.', '-')");
        }
    }

    private void expect(String field, Object value, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            problems.add(field + " = " + quote(value) + ": " + e.getMessage());
        }
    }

    private void range(String field, long value, long min, long max) {
        if (value < min || value > max) problem(field, value, "an integer from " + min + " to " + max);
    }

    private void fraction(String field, double value) {
        if (!(value >= 0 && value <= 1)) problem(field, value, "a fraction from 0 to 1");
    }

    private void positive(String field, double value) {
        if (!(value > 0)) problem(field, value, "a number > 0");
    }

    private void problem(String field, Object value, String expected) {
        problems.add(field + " = " + quote(value) + ": expected " + expected);
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
