package dev.faissrebuild.runtime.loop;

/** An event that can never be processed, whatever the retries: it goes to the dead-letter topic with this reason. */
public class PermanentFailure extends Exception {
    public PermanentFailure(String reason) {
        super(reason);
    }

    public PermanentFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
