package dev.faissrebuild.validator.run;

import dev.faissrebuild.runtime.child.ChildProcesses;
import dev.faissrebuild.runtime.child.ChildResult;
import dev.faissrebuild.runtime.child.Supervision;
import dev.faissrebuild.validator.Candidate;
import dev.faissrebuild.validator.IndexValidator;
import dev.faissrebuild.validator.ValidationOutcome;
import dev.faissrebuild.validator.ValidationSettings;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each validation in a child JVM ({@link ValidationJob}): FAISS reads the memory-mapped embeddings
 * natively, and a file truncated under that mapping raises SIGBUS, which would take the whole worker
 * (in {@code up}: every service and the broker) down. In a child it ends that validation only, as a
 * rejection that says how the process died.
 */
public final class ChildValidation implements ValidationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ChildValidation.class);
    private final ChildProcesses children;

    public ChildValidation(ChildProcesses children) {
        this.children = children;
    }

    @Override
    public ValidationOutcome validate(Candidate candidate, ValidationSettings settings, String label, Supervision supervision) {
        ChildResult<ValidationJob.Reply> result = children.run(ValidationJob.class, new ValidationJob.Request(candidate, settings),
                ValidationJob.Reply.class, label, Map.of("OMP_NUM_THREADS", Integer.toString(Math.max(1, settings.threads()))), supervision);
        return switch (result) {
            case ChildResult.Replied<ValidationJob.Reply> r -> {
                // what the validation cost, as build_succeeded says for a build (the scale benchmark reads it)
                LOG.info("event=validation_resources validation={} memory_peak_bytes={} cpu_seconds={} process_seconds={}", label,
                        r.usage().peakRssBytes(), String.format("%.2f", r.usage().cpuSeconds()), String.format("%.2f", r.usage().wallSeconds()));
                yield r.reply().outcome();
            }
            case ChildResult.Stopped<ValidationJob.Reply> st -> new IndexValidator(settings).refused("the validation process (pid "
                    + st.pid() + ") was " + st.stop().detail() + " before it judged " + candidate.indexFile().getFileName());
            case ChildResult.Died<ValidationJob.Reply> d -> new IndexValidator(settings).refused("the validation process (pid " + d.pid()
                    + ") " + d.how() + " before it judged " + candidate.indexFile().getFileName());
        };
    }
}
