package dev.faissrebuild.runtime.files;

/**
 * Test-only fault injection: when the system property {@code faiss.crash.at} names a point, the process
 * halts there at once, like a SIGKILL (no shutdown hooks, no finally blocks). Crash tests run the
 * deployer in a child process with it set, then check what a restart finds on disk.
 */
public final class CrashPoints {
    private static final String TARGET = System.getProperty("faiss.crash.at", "");

    private CrashPoints() {}

    public static void hit(String point) {
        if (!TARGET.isEmpty() && TARGET.equals(point)) {
            System.err.println("crash point " + point + ": halting");
            Runtime.getRuntime().halt(137);
        }
    }
}
