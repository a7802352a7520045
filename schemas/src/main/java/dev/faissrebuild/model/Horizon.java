package dev.faissrebuild.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Forecast horizons the service keeps indices for. */
public enum Horizon {
    H6(6), H12(12), H24(24), H48(48);

    private final int hours;

    Horizon(int hours) {
        this.hours = hours;
    }

    public int hours() {
        return hours;
    }

    /** {@code "24h"}, as in file names and keys. */
    public String label() {
        return hours + "h";
    }

    public static Horizon ofHours(int hours) {
        for (Horizon h : values()) {
            if (h.hours == hours) return h;
        }
        throw new IllegalArgumentException("horizon " + hours + "h is not one of " + labels());
    }

    /** Accepts {@code 24}, {@code 24h} or {@code H24}. */
    public static Horizon parse(String text) {
        String t = text.strip().toLowerCase();
        if (t.startsWith("h")) t = t.substring(1);
        if (t.endsWith("h")) t = t.substring(0, t.length() - 1);
        try {
            return ofHours(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("horizon '" + text + "' is not one of " + labels());
        }
    }

    /** A comma-separated list such as {@code 6,24h}; empty or null means all. */
    public static List<Horizon> parseList(String text) {
        if (text == null || text.isBlank()) return List.of(values());
        return Arrays.stream(text.split(",")).map(Horizon::parse).distinct().sorted().toList();
    }

    public static String labels() {
        return Arrays.stream(values()).map(Horizon::label).collect(Collectors.joining(", "));
    }
}
