package dev.faissrebuild.deployer.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link LockHolder} running in its own JVM: a second process holding the indices lock, as a deploy would. */
public final class ChildLockHolder implements AutoCloseable {
    private final Process process;
    private final CompletableFuture<String> locked = new CompletableFuture<>();
    private final CompletableFuture<String> releasing = new CompletableFuture<>();

    private ChildLockHolder(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("LOCKED ")) locked.complete(line.substring(7));
                    if (line.startsWith("RELEASING ")) releasing.complete(line.substring(10));
                }
            } catch (Exception e) {
                locked.completeExceptionally(e);
            }
            locked.completeExceptionally(new IllegalStateException("lock holder exited without locking"));
            releasing.completeExceptionally(new IllegalStateException("lock holder exited without releasing"));
        });
    }

    /** Starts the child and returns once it holds the lock. */
    public static ChildLockHolder start(Path indicesRoot, String holder, double seconds) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), indicesRoot.toString(), holder,
                Double.toString(seconds)).redirectErrorStream(true).start();
        ChildLockHolder child = new ChildLockHolder(p);
        child.locked.get(60, TimeUnit.SECONDS);
        return child;
    }

    /** The live generation when the child took the lock. */
    public String liveWhenLocked() throws Exception {
        return locked.get(60, TimeUnit.SECONDS);
    }

    /** The live generation just before the child released the lock, and when (epoch ms). */
    public String[] releasing() throws Exception {
        return releasing.get(120, TimeUnit.SECONDS).split(" ");
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
