package dev.faissrebuild.runtime.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.faissrebuild.model.Horizon;
import dev.faissrebuild.model.IndexKey;
import dev.faissrebuild.model.IndexType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, as read from JSON (snake_case, the seed's field names where it has them).
 * Defaults live in {@code default-config.json}; {@link ConfigLoader} merges a user's file over them and
 * checks every value. Relative paths are relative to {@code paths.data_dir}.
 */
public record FaissRebuildConfig(Paths paths, Rebuild rebuild, Validation validation, Scheduler scheduler,
                                 Monitoring monitoring, Kafka kafka, Deploy deploy, Backup backup,
                                 Notifications notifications, Logging logging, Artifacts artifacts) {

    /** The same configuration with ephemeral HTTP and embedded-broker ports (the demo and tests never collide). */
    public FaissRebuildConfig withEphemeralPorts() {
        Monitoring m = monitoring;
        Monitoring m0 = new Monitoring(m.enablePrometheus(), 0, 0, m.integrateWithExistingMonitoring(), m.bindAddress(),
                m.maxRebuildDurationMinutes(), m.maxFailureRate(), m.minSuccessRate24h(), m.minRecallScore(), m.staleAfterDays(),
                m.apiTokenFile(), m.apiTokenEnv(), m.tlsKeystoreFile(), m.tlsKeystorePasswordEnv());
        Kafka k0 = new Kafka(kafka.bootstrapServers(), 0, kafka.clientProperties());
        return new FaissRebuildConfig(paths, rebuild, validation, scheduler, m0, k0, deploy, backup, notifications, logging, artifacts);
    }

    public record Paths(String dataDir, String embeddingsDir, String indicesDir, String stateDir) {
        public Path data() {
            return Path.of(dataDir).toAbsolutePath().normalize();
        }

        /** Where embeddings files are read on this machine: the directory, or the local cache of an {@code s3://} one. */
        public Path embeddings() {
            return embeddingsInStore() ? state().resolve("embeddings-cache") : data().resolve(embeddingsDir).normalize();
        }

        /** {@code embeddings_dir} is an {@code s3://bucket[/prefix]}: files are streamed from there into {@link #embeddings()}. */
        public boolean embeddingsInStore() {
            return embeddingsDir.startsWith("s3://");
        }

        public Path indices() {
            return data().resolve(indicesDir).normalize();
        }

        public Path state() {
            return data().resolve(stateDir).normalize();
        }
    }

    /**
     * @param maxWorkers index builds one builder process runs at once
     * @param threadsPerBuild OpenMP threads per build; 0 = cores / max_workers, so threads x builds never exceeds the cores
     * @param requireValidationPass false: an index rejected by a quality gate (not {@code structure}) is deployed anyway, and said so
     * @param ivfpqMaxBytesPerVector memory budget of an IVF-PQ code; the recipe tries finer codes up to it
     * @param maxMemoryGb memory budget (GiB) of everything one builder process builds at once; 0 = no budget
     * @param incrementalMaxGrowth an embeddings file that grew by appending at most this share of rows is built incrementally
     *     (the live index plus the new rows, its training kept); 0 = always a full build
     */
    public record Rebuild(List<Integer> horizons, List<String> indexTypes, int maxWorkers, int threadsPerBuild,
                          int maxRebuildTimeMinutes, boolean requireValidationPass, int ivfpqMaxBytesPerVector, double maxMemoryGb,
                          double incrementalMaxGrowth) {
        /** Every configured (horizon, type) pair. */
        public List<IndexKey> keys() {
            return IndexKey.all(horizons.stream().map(Horizon::ofHours).toList(), indexTypes.stream().map(IndexType::parse).toList());
        }

        public int effectiveThreadsPerBuild() {
            if (threadsPerBuild > 0) return threadsPerBuild;
            return Math.max(1, Runtime.getRuntime().availableProcessors() / maxWorkers);
        }

        /** The memory budget in bytes; 0 = none. */
        public long maxMemoryBytes() {
            return (long) (maxMemoryGb * (1L << 30));
        }
    }

    /** @param enabled false: only the integrity gate ({@code structure}) runs; every quality gate is reported skipped */
    public record Validation(boolean enabled, double minRecallThreshold, double maxLatencyThresholdMs,
                             int validationSampleSize, int recallK, double maxRecallDrop, double maxLatencyIncrease,
                             double latencyRegressionSlackMs, String queriesFile) {}

    /** @param logLevel level of the dev.faissrebuild loggers; the environment variable FAISS_REBUILD_LOG_LEVEL overrides it */
    public record Scheduler(boolean enabled, String rebuildSchedule, String timezone, int maxRebuildDurationHours,
                            int maxConsecutiveFailures, int failureCooldownHours, boolean enableNotifications,
                            List<String> notificationChannels, String logLevel) {}

    /**
     * @param integrateWithExistingMonitoring true: the standard JVM and process metrics are exported beside the faiss_* series
     * @param maxFailureRate the same threshold as {@code minSuccessRate24h}, seen from the other side: they sum to 1
     */
    public record Monitoring(boolean enablePrometheus, int metricsPort, int healthCheckPort, boolean integrateWithExistingMonitoring,
                             String bindAddress,
                             double maxRebuildDurationMinutes, double maxFailureRate,
                             @JsonProperty("min_success_rate_24h") double minSuccessRate24h,
                             double minRecallScore, int staleAfterDays, String apiTokenFile, String apiTokenEnv,
                             String tlsKeystoreFile, String tlsKeystorePasswordEnv) {
        public Monitoring {
            apiTokenFile = apiTokenFile == null ? "" : apiTokenFile;
            apiTokenEnv = apiTokenEnv == null ? "" : apiTokenEnv;
            tlsKeystoreFile = tlsKeystoreFile == null ? "" : tlsKeystoreFile;
            tlsKeystorePasswordEnv = tlsKeystorePasswordEnv == null ? "" : tlsKeystorePasswordEnv;
        }

        /** Whether the HTTP endpoints speak TLS ({@code tls_keystore_file} set). */
        public boolean tls() {
            return !tlsKeystoreFile.isBlank();
        }
    }

    /** @param bootstrapServers empty: the all-in-one mode runs an embedded broker */
    public record Kafka(String bootstrapServers, int embeddedPort, Map<String, String> clientProperties) {
        public boolean embedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }

    /** @param enableRollback false: a deploy whose post-deploy verification fails stays live and is reported, not switched back */
    public record Deploy(boolean backupBeforeDeploy, boolean enableRollback, int verifyQueries) {}

    /**
     * @param encryptionKeyFile empty: backups are plain {@code .tar.gz}; else the file of the key new backups are encrypted
     *                          with ({@code .tar.gz.enc}), see {@link BackupKey}
     */
    public record Backup(int maxCount, int minCount, int expireAfterDays, String encryptionKeyFile) {
        public Backup {
            encryptionKeyFile = encryptionKeyFile == null ? "" : encryptionKeyFile;
        }
    }

    /**
     * @param file empty: log lines go to stderr only (journald under systemd); else also to this file, rotated
     * @param maxFileSizeMb a file is rotated (and gzipped) when it reaches this size, and at midnight
     * @param maxHistoryDays rotated files older than this are deleted
     * @param totalSizeCapMb rotated files beyond this total are deleted, oldest first
     */
    public record Logging(String file, int maxFileSizeMb, int maxHistoryDays, int totalSizeCapMb) {
        public Logging {
            file = file == null ? "" : file;
        }
    }

    public record Notifications(String minSeverity, Slack slack, Email email, List<Webhook> webhooks) {}

    /** @param allowInsecureHttp accept an {@code http://} webhook URL off this host (refused otherwise: the URL is a secret) */
    public record Slack(String webhookUrl, String channel, String username, boolean allowInsecureHttp) {}

    public record Email(String smtpHost, int smtpPort, boolean starttls, String username, String passwordEnv,
                        String from, List<String> to) {}

    /**
     * A webhook entry may leave out its secret and headers.
     *
     * @param allowInsecureHttp accept an {@code http://} URL off this host (refused otherwise: the body and signature travel in clear)
     */
    public record Webhook(String url, String secretEnv, Map<String, String> headers, Boolean allowInsecureHttp) {
        public Webhook {
            allowInsecureHttp = allowInsecureHttp != null && allowInsecureHttp; // an entry may leave it out
            secretEnv = secretEnv == null ? "" : secretEnv;
            headers = headers == null ? Map.of() : headers;
        }
    }

    /**
     * Where index artifacts travel between machines (issue 14).
     *
     * @param store empty: builders, validators and the deployer share this machine's {@code paths.indices_dir} (one host, or
     *              a shared filesystem); {@code s3://bucket[/prefix]} or a directory: builders upload staged files there,
     *              validators and the deployer download and verify them, and the deployer publishes every generation there
     *              for {@code faiss-rebuild follow}
     * @param s3Endpoint empty: AWS's own endpoint for the region; else an S3-compatible server, e.g. {@code http://minio:9000}
     * @param s3AccessKeyIdEnv empty: the AWS SDK's default credentials chain; else the environment variable holding the key id
     * @param s3SecretAccessKeyEnv the environment variable holding the secret key (with {@code s3_access_key_id_env})
     */
    public record Artifacts(String store, String s3Endpoint, String s3Region, String s3AccessKeyIdEnv, String s3SecretAccessKeyEnv) {
        public Artifacts {
            store = store == null ? "" : store;
            s3Endpoint = s3Endpoint == null ? "" : s3Endpoint;
            s3AccessKeyIdEnv = s3AccessKeyIdEnv == null ? "" : s3AccessKeyIdEnv;
            s3SecretAccessKeyEnv = s3SecretAccessKeyEnv == null ? "" : s3SecretAccessKeyEnv;
        }

        /** Whether artifacts go through a store rather than this machine's indices directory. */
        public boolean shared() {
            return !store.isBlank();
        }
    }
}
