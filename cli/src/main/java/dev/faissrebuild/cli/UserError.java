package dev.faissrebuild.cli;

/** A command that cannot go on because of what the user asked or has; its message says what to do. */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
