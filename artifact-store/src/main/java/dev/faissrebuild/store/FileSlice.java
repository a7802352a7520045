package dev.faissrebuild.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@code length} bytes of a file from {@code from}: one part of a multipart upload, read as it is sent. */
final class FileSlice {
    private FileSlice() {}

    static InputStream open(Path file, long from, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ).position(from);
            return new BufferedInputStream(Channels.newInputStream(ch), 1 << 16) {
                private long left = length;

                @Override
                public boolean markSupported() {
                    return false; // a retry asks the provider for a new stream
                }

                @Override
                public synchronized int read() throws IOException {
                    if (left <= 0) return -1;
                    int b = super.read();
                    if (b >= 0) left--;
                    return b;
                }

                @Override
                public synchronized int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) return -1;
                    int n = super.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) left -= n;
                    return n;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

}
