package dev.faissrebuild.deployer;

/**
 * An operator's operation (rollback, restore, backup, cleanup) that was refused before it changed
 * anything, with a message that says why and what to do instead.
 */
public final class OperationRefused extends RuntimeException {
    public OperationRefused(String message) {
        super(message);
    }
}
