package dev.faissrebuild.runtime.config;

import java.util.Map;
import java.util.Optional;

/**
 * The original system's field names (its RebuildConfig, SchedulerConfig and MonitoringConfig
 * dataclasses) that are not fields here, and what an operator who writes one should know: where the
 * setting lives now, or why it cannot be set. Its JSON example's own fields are all fields here.
 */
final class SeedFields {
    /** Fixed directories: the sentence says why they cannot move. */
    private static final Map<String, String> FIXED = Map.of(
            "backup_dir", "cannot be set: backups are always <paths.indices_dir>/backups, beside the generations they are made of, "
                    + "so restore, cleanup and disk-usage always find them",
            "staging_dir", "cannot be set: staging is always <paths.indices_dir>/staging, because staged files are hard-linked into "
                    + "generations and a hard link cannot cross filesystems");

    /** Seed names that moved to another section or name here. */
    private static final Map<String, String> MOVED = Map.ofEntries(
            Map.entry("embeddings_dir", "paths.embeddings_dir"),
            Map.entry("indices_dir", "paths.indices_dir"),
            Map.entry("validation_enabled", "validation.enabled"),
            Map.entry("min_recall_threshold", "validation.min_recall_threshold"),
            Map.entry("max_latency_threshold_ms", "validation.max_latency_threshold_ms"),
            Map.entry("validation_sample_size", "validation.validation_sample_size"),
            Map.entry("require_validation_pass", "rebuild.require_validation_pass"),
            Map.entry("enable_rollback", "deploy.enable_rollback"),
            Map.entry("max_rebuild_time_minutes", "rebuild.max_rebuild_time_minutes"),
            Map.entry("max_memory_gb", "rebuild.max_memory_gb"),
            Map.entry("max_workers", "rebuild.max_workers"),
            Map.entry("log_level", "scheduler.log_level"),
            Map.entry("max_failure_rate", "monitoring.max_failure_rate"),
            Map.entry("min_success_rate_24h", "monitoring.min_success_rate_24h"),
            Map.entry("max_rebuild_duration_minutes", "monitoring.max_rebuild_duration_minutes"));

    private SeedFields() {}

    /** What to tell someone who wrote {@code path}, if its last name is one the original system knew. */
    static Optional<String> hint(String path) {
        String name = path.substring(path.lastIndexOf('.') + 1);
        if (FIXED.containsKey(name)) return Optional.of("the original system's " + name + " " + FIXED.get(name));
        String moved = MOVED.get(name);
        if (moved != null && !moved.equals(path)) return Optional.of("the original system's " + name + " is " + moved + " here");
        return Optional.empty();
    }
}
