package dev.faissrebuild.faiss;

import java.lang.foreign.MemorySegment;

/** Scans of float data in native memory, at native speed (a 10 GB mapped file is checked in seconds). */
public final class NativeFloats {
    private NativeFloats() {}

    /** Offset of the first NaN or infinite float among the first {@code count} floats of a segment, or -1. */
    public static long firstNonFinite(MemorySegment floats, long count) {
        if (floats.byteSize() < count * Float.BYTES) {
            throw new IllegalArgumentException("segment holds fewer than " + count + " floats");
        }
        return (long) Shim.invoke(Shim.FIRST_NON_FINITE, floats, count);
    }
}
