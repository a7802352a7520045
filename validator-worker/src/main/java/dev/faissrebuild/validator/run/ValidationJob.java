package dev.faissrebuild.validator.run;

import dev.faissrebuild.runtime.child.ChildJob;
import dev.faissrebuild.validator.Candidate;
import dev.faissrebuild.validator.Figures;
import dev.faissrebuild.validator.Gate;
import dev.faissrebuild.validator.IndexValidator;
import dev.faissrebuild.validator.ValidationOutcome;
import dev.faissrebuild.validator.ValidationSettings;
import java.util.List;

/** One validation, as the job of a child JVM: FAISS reads the candidate, the live index and the mapped embeddings there. */
public final class ValidationJob implements ChildJob<ValidationJob.Request, ValidationJob.Reply> {
    public record Request(Candidate candidate, ValidationSettings settings) {}

    /** The outcome, flat for the wire: {@code firstFailedGate} null when validated. */
    public record Reply(List<Gate> gates, Figures figures, boolean qualityChecked, String firstFailedGate, String reason) {
        static Reply of(ValidationOutcome o) {
            return switch (o) {
                case ValidationOutcome.Validated v -> new Reply(v.gates(), v.figures(), v.qualityChecked(), null, null);
                case ValidationOutcome.Rejected r -> new Reply(r.gates(), r.figures(), true, r.firstFailedGate(), r.reason());
            };
        }

        ValidationOutcome outcome() {
            return firstFailedGate == null ? new ValidationOutcome.Validated(gates, figures, qualityChecked)
                    : new ValidationOutcome.Rejected(gates, figures, firstFailedGate, reason);
        }
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Reply run(Request r) {
        return Reply.of(new IndexValidator(r.settings()).validate(r.candidate()));
    }
}
