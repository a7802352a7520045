package dev.faissrebuild.notifier;

import dev.faissrebuild.events.Alert;
import dev.faissrebuild.events.BuildFailed;
import dev.faissrebuild.events.DeployFailed;
import dev.faissrebuild.events.GenerationDeployed;
import dev.faissrebuild.events.RebuildCancelled;
import dev.faissrebuild.events.IndexBuilt;
import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.events.IndexValidated;
import dev.faissrebuild.events.RolledBack;
import dev.faissrebuild.notifier.Notification.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** What each outcome event means to people: severity, a title and the facts. */
final class Notifications {
    private Notifications() {}

    static Optional<Notification> of(SpecificRecord event) {
        return Optional.ofNullable(switch (event) {
            case IndexBuilt b -> n("index_built", Severity.INFO, "Built " + b.getIndexKey(), at(b.getBuiltAt()), "rebuild", b.getRebuildId(),
                    "index", b.getIndexKey(), "factory", b.getFactory(), "ntotal", "" + b.getNtotal(), "seconds", fmt(b.getBuildSeconds()));
            case BuildFailed f -> n("build_failed", Severity.WARNING, "Build of " + f.getIndexKey() + " failed", at(f.getFailedAt()),
                    "rebuild", f.getRebuildId(), "index", f.getIndexKey(), "kind", f.getKind().name(), "reason", f.getReason());
            case IndexValidated v when !v.getQualityChecked() -> n("index_validated", Severity.WARNING,
                    "Validated " + v.getIndexKey() + " by structure only", at(v.getValidatedAt()), "rebuild", v.getRebuildId(),
                    "index", v.getIndexKey(), "reason", "validation.enabled = false: not quality-checked (recall, latency, search not measured)");
            case IndexValidated v -> n("index_validated", Severity.INFO, "Validated " + v.getIndexKey(), at(v.getValidatedAt()),
                    "rebuild", v.getRebuildId(), "index", v.getIndexKey(), "recall_at_k", String.valueOf(v.getFigures().getRecallAtK()),
                    "p99_ms", String.valueOf(v.getFigures().getLatencyP99Ms()));
            case IndexRejected r -> n("index_rejected", Severity.WARNING, "Rejected " + r.getIndexKey(), at(r.getRejectedAt()),
                    "rebuild", r.getRebuildId(), "index", r.getIndexKey(), "gate", r.getFirstFailedGate(), "reason", r.getReason());
            case GenerationDeployed d when d.getBackupProblem() != null -> n("generation_deployed", Severity.WARNING,
                    "Deployed generation " + d.getGenerationId() + "; the replaced generation is not archived", at(d.getDeployedAt()),
                    "rebuild", d.getRebuildId(), "generation", d.getGenerationId(), "previous", String.valueOf(d.getPreviousGenerationId()),
                    "files", "" + d.getFiles().size(), "reason", d.getBackupProblem() + (notes(d).isEmpty() ? "" : "; " + notes(d)));
            case GenerationDeployed d when !notes(d).isEmpty() -> n("generation_deployed", Severity.WARNING,
                    "Deployed generation " + d.getGenerationId() + " with indices that did not pass every gate", at(d.getDeployedAt()),
                    "rebuild", d.getRebuildId(), "generation", d.getGenerationId(), "previous", String.valueOf(d.getPreviousGenerationId()),
                    "files", "" + d.getFiles().size(), "reason", notes(d));
            case GenerationDeployed d -> n("generation_deployed", Severity.INFO, "Deployed generation " + d.getGenerationId(),
                    at(d.getDeployedAt()), "rebuild", d.getRebuildId(), "generation", d.getGenerationId(),
                    "previous", String.valueOf(d.getPreviousGenerationId()), "trigger", d.getTrigger().name().toLowerCase(),
                    "files", "" + d.getFiles().size(), "rebuild_seconds", fmt(d.getRebuildSeconds()));
            case DeployFailed f when f.getGenerationId() != null && f.getGenerationId().equals(f.getLiveGenerationId()) ->
                    n("deploy_failed", Severity.CRITICAL, "Generation " + f.getGenerationId() + " is live although it failed verification",
                            at(f.getFailedAt()), "rebuild", f.getRebuildId(), "live_generation", f.getLiveGenerationId(),
                            "failed", String.join(",", f.getFailedKeys()), "reason", f.getReason());
            case DeployFailed f -> n("deploy_failed", Severity.CRITICAL, "Rebuild " + f.getRebuildId() + " deployed nothing",
                    at(f.getFailedAt()), "rebuild", f.getRebuildId(), "live_generation", String.valueOf(f.getLiveGenerationId()),
                    "failed", String.join(",", f.getFailedKeys()), "reason", f.getReason());
            case RolledBack r -> n("rolled_back", Severity.CRITICAL, "Rolled back to " + r.getToGenerationId(), at(r.getRolledBackAt()),
                    "from", r.getFromGenerationId(), "to", r.getToGenerationId(), "automatic", "" + r.getAutomatic(), "reason", r.getReason());
            case RebuildCancelled c -> n("rebuild_cancelled", Severity.WARNING, "Rebuild " + c.getRebuildId() + " cancelled",
                    at(c.getCancelledAt()), "rebuild", c.getRebuildId(),
                    "indices", String.join(",", c.getIndexKeys().isEmpty() ? c.getRebuildKeys() : c.getIndexKeys()), "reason", c.getReason());
            case Alert a -> n("alert_" + a.getState().name().toLowerCase(), Severity.valueOf(a.getSeverity().name()),
                    a.getName() + " " + a.getState().name().toLowerCase(), at(a.getRaisedAt()), "alert", a.getName(),
                    "summary", a.getSummary(), "source", a.getSource());
            default -> null;
        });
    }

    /** What the deploy says about rebuilt files that did not pass every gate (require_validation_pass / validation.enabled off). */
    private static String notes(GenerationDeployed d) {
        return d.getFiles().stream().filter(f -> f.getRebuilt() && f.getValidationNote() != null)
                .map(f -> f.getIndexKey() + ": " + f.getValidationNote()).collect(java.util.stream.Collectors.joining("; "));
    }

    private static Notification n(String kind, Severity severity, String title, Instant at, String... kv) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) fields.put(kv[i], kv[i + 1]);
        String text = fields.getOrDefault("reason", fields.getOrDefault("summary", title));
        return new Notification(kind, severity, title, text, fields, at);
    }

    private static Instant at(Instant t) {
        return t == null ? Instant.now() : t;
    }

    private static String fmt(double d) {
        return String.format("%.2f", d);
    }
}
