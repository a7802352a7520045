package dev.faissrebuild.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process as Linux reports it (native FAISS memory included, unlike the JVM's heap figures). */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** High-water mark of resident memory since the process started ({@code VmHWM}), or -1 if unknown. */
    public static long peakRssBytes() {
        return bytes(statusKb("VmHWM:"));
    }

    /** Resident memory now ({@code VmRSS}), or -1 if unknown. */
    public static long rssBytes() {
        return bytes(statusKb("VmRSS:"));
    }

    private static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unexpected format: report unknown
        }
        return -1;
    }

    private static long bytes(long kb) {
        return kb < 0 ? -1 : kb * 1024;
    }
}
