package dev.faissrebuild.builder;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a build's time goes, phase by phase (read, train, add, tune, write, hash), summed over the candidates it tried. */
final class PhaseTimes {
    /** A phase's work; it may fail with an IOException (writing, hashing). */
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    private final Map<String, Double> seconds = new LinkedHashMap<>();

    <T> T time(String phase, Work<T> work) throws IOException {
        long t0 = System.nanoTime();
        try {
            return work.run();
        } finally {
            since(phase, t0);
        }
    }

    void run(String phase, Runnable work) {
        long t0 = System.nanoTime();
        try {
            work.run();
        } finally {
            since(phase, t0);
        }
    }

    private void since(String phase, long t0) {
        seconds.merge(phase, (System.nanoTime() - t0) / 1e9, Double::sum);
    }

    Map<String, Double> snapshot() {
        return Map.copyOf(seconds);
    }

    /** {@code train=1.20 add=0.31 …} for a log line. */
    static String format(Map<String, Double> seconds) {
        StringBuilder sb = new StringBuilder();
        for (String phase : new String[] {"read", "train", "add", "tune", "write", "hash"}) {
            Double s = seconds.get(phase);
            if (s != null) sb.append(sb.isEmpty() ? "" : " ").append(phase).append('=').append(String.format("%.2f", s));
        }
        return sb.toString();
    }
}
