package dev.faissrebuild.cli;

import dev.faissrebuild.runtime.child.ChildMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The supervised children (builds, validations) below a process, read from /proc (their class path is too long for ProcessHandle.Info). */
final class ChildJobs {
    private ChildJobs() {}

    /** Every live child job below {@code root}. */
    static List<ProcessHandle> alive(ProcessHandle root) {
        return alive(root, ChildMain.class.getName());
    }

    /** The live children below {@code root} whose command line names {@code marker} (e.g. a job class). */
    static List<ProcessHandle> alive(ProcessHandle root, String marker) {
        return root.descendants().filter(ProcessHandle::isAlive).filter(p -> {
            try {
                String cmd = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                return cmd.contains(ChildMain.class.getName()) && cmd.contains(marker);
            } catch (IOException e) {
                return false; // gone meanwhile
            }
        }).toList();
    }
}
