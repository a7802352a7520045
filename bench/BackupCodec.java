import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The backup archive's codec on real files: tar through gzip at level 1 (the codec before issue 13),
 * level 0 (stored blocks: still gzip, still CRC-32, readable by every gunzip) and plain tar, alternated
 * ROUNDS times, to a file that is fsynced as the backup is. Prints MB/s and the size of each.
 *   java -cp cli/target/faiss-rebuild.jar bench/BackupCodec.java OUT_DIR FILE...
 */
public class BackupCodec {
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) files.add(Path.of(args[i]));
        long bytes = 0;
        for (Path f : files) bytes += Files.size(f);
        int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "5"));
        String[] codecs = {"gzip-1", "gzip-0", "tar"};
        double[][] seconds = new double[codecs.length][rounds];
        long[] size = new long[codecs.length];
        write(out.resolve("warmup"), files, "gzip-0");
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < codecs.length; k++) {
                int c = (k + r) % codecs.length; // the order rotates every round
                Path target = out.resolve("backup-" + codecs[c]);
                long t0 = System.nanoTime();
                write(target, files, codecs[c]);
                seconds[c][r] = (System.nanoTime() - t0) / 1e9;
                size[c] = Files.size(target);
            }
        }
        System.out.printf("%d files, %.1f MB, %d rounds (median)%n", files.size(), bytes / 1e6, rounds);
        for (int c = 0; c < codecs.length; c++) {
            double[] s = seconds[c].clone();
            java.util.Arrays.sort(s);
            double median = s[rounds / 2];
            System.out.printf("%-7s %7.1f MB/s  %6.3f s  archive %.1f MB (%.1f %% of the input)%n", codecs[c], bytes / 1e6 / median, median,
                    size[c] / 1e6, 100.0 * size[c] / bytes);
        }
    }

    static void write(Path target, List<Path> files, String codec) throws IOException {
        Files.deleteIfExists(target);
        try (var file = Files.newOutputStream(target); var buffered = new java.io.BufferedOutputStream(file, 1 << 20)) {
            OutputStream stream = buffered;
            GzipCompressorOutputStream gz = null;
            if (codec.startsWith("gzip")) {
                GzipParameters p = new GzipParameters();
                p.setCompressionLevel(codec.equals("gzip-1") ? Deflater.BEST_SPEED : Deflater.NO_COMPRESSION);
                stream = gz = new GzipCompressorOutputStream(buffered, p);
            }
            TarArchiveOutputStream tar = new TarArchiveOutputStream(stream);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] buf = new byte[1 << 20];
            for (Path f : files) {
                TarArchiveEntry e = new TarArchiveEntry(f.getFileName().toString());
                e.setSize(Files.size(f));
                tar.putArchiveEntry(e);
                try (InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buf)) >= 0; ) tar.write(buf, 0, n);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
            if (gz != null) gz.finish();
            buffered.flush();
        }
        try (var channel = java.nio.channels.FileChannel.open(target, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}
