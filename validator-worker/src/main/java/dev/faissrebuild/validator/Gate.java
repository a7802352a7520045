package dev.faissrebuild.validator;

/**
 * One quality gate's verdict: what was measured, against what, and whether it passed.
 *
 * @param figure the measured value (null when the gate is not a number, e.g. structure)
 * @param threshold the value it had to reach (null when not a number)
 * @param detail one readable sentence
 */
public record Gate(String name, Status status, Double figure, Double threshold, String detail) {
    public enum Status { PASSED, FAILED, SKIPPED }

    public static Gate passed(String name, Double figure, Double threshold, String detail) {
        return new Gate(name, Status.PASSED, figure, threshold, detail);
    }

    public static Gate failed(String name, Double figure, Double threshold, String detail) {
        return new Gate(name, Status.FAILED, figure, threshold, detail);
    }

    public static Gate skipped(String name, String why) {
        return new Gate(name, Status.SKIPPED, null, null, why);
    }

    public boolean failed() {
        return status == Status.FAILED;
    }
}
