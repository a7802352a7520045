package dev.faissrebuild.validator;

import java.util.List;

/** The verdict on a candidate index: every gate with its figure, and whether the index may be deployed. */
public sealed interface ValidationOutcome permits ValidationOutcome.Validated, ValidationOutcome.Rejected {
    List<Gate> gates();

    Figures figures();

    /** @param qualityChecked false: validation.enabled is off, only the structure gate ran */
    record Validated(List<Gate> gates, Figures figures, boolean qualityChecked) implements ValidationOutcome {}

    /** @param reason one sentence naming the first failing gate, its figure and threshold */
    record Rejected(List<Gate> gates, Figures figures, String firstFailedGate, String reason) implements ValidationOutcome {}

    static ValidationOutcome of(List<Gate> gates, Figures figures) {
        return gates.stream().filter(Gate::failed).findFirst()
                .<ValidationOutcome>map(g -> new Rejected(gates, figures, g.name(), "rejected by the " + g.name() + " gate: " + g.detail()))
                .orElseGet(() -> new Validated(gates, figures, true));
    }

    /** Only the structure gate ran (validation.enabled = false): deployable if it passed, but not quality-checked. */
    static ValidationOutcome structureOnly(List<Gate> gates, Figures figures) {
        ValidationOutcome o = of(gates, figures);
        return o instanceof Validated v ? new Validated(v.gates(), v.figures(), false) : o;
    }
}
