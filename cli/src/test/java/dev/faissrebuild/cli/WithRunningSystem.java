package dev.faissrebuild.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test that starts one {@link RunningSystem} in its own directory; it is stopped after each test. */
abstract class WithRunningSystem {
    @TempDir Path dir;
    RunningSystem system;

    @AfterEach
    void stopSystem() {
        if (system != null) system.close();
    }
}
