package dev.faissrebuild.store;

import java.io.IOException;

/** An object's bytes do not have the sha256 it was stored with: corrupted or replaced in the store. */
public final class ChecksumMismatchException extends IOException {
    public ChecksumMismatchException(String where, String key, String expected, String actual) {
        super(where + "/" + key + " has sha256 " + actual + " but was stored with " + expected + ": refused (corrupted or replaced in the store)");
    }
}
