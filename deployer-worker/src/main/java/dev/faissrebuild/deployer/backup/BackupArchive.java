package dev.faissrebuild.deployer.backup;

import dev.faissrebuild.runtime.files.CrashPoints;
import dev.faissrebuild.runtime.files.Sha256;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The {@code .tar.gz} format of a backup: {@code BACKUP_MANIFEST.json} first (so a listing reads only
 * the head of each archive, and a restore knows every expected checksum before the first file), then the
 * files, flat, no directories; encrypted, the same stream inside {@link ArchiveCipher}'s segments (see
 * {@link BackupEncryption}). Any archive problem on reading is an {@link InvalidBackupException};
 * problems writing the destination (a full disk) stay plain {@link IOException}s.
 */
final class BackupArchive {
    private static final int BUFFER = 1 << 20;
    private static final long MAX_MANIFEST_BYTES = 1 << 20;

    private BackupArchive() {}

    /**
     * Writes an archive to {@code target} (a fresh file; callers rename it into place). Each file's bytes
     * are hashed while they are archived and must match the manifest: a generation whose files do not
     * match its own manifest is not backed up.
     *
     * @param sources for each file of the manifest, where to read it
     * @param encryption encrypts when it has a key
     */
    static void write(Path target, BackupManifest manifest, Map<String, Path> sources, BackupEncryption encryption) throws IOException {
        try (OutputStream file = new BufferedOutputStream(encryption.wrap(Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)), BUFFER);
             GzipCompressorOutputStream gz = new GzipCompressorOutputStream(file, gzipParameters());
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX); // files over 8 GiB
            byte[] json = manifest.toJson();
            TarArchiveEntry head = new TarArchiveEntry(BackupManifest.FILE_NAME);
            head.setSize(json.length);
            tar.putArchiveEntry(head);
            tar.write(json);
            tar.closeArchiveEntry();
            boolean first = true;
            for (BackupManifest.FileEntry f : manifest.files()) {
                Path source = sources.get(f.name());
                TarArchiveEntry e = new TarArchiveEntry(f.name());
                e.setSize(f.sizeBytes());
                e.setModTime(Files.getLastModifiedTime(source));
                tar.putArchiveEntry(e);
                MessageDigest digest = Sha256.digest();
                try (InputStream in = Files.newInputStream(source)) {
                    byte[] buf = new byte[BUFFER];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        digest.update(buf, 0, n);
                        tar.write(buf, 0, n);
                    }
                }
                tar.closeArchiveEntry();
                String sha = Sha256.hex(digest);
                if (!sha.equals(f.sha256())) {
                    throw new IOException(source + " has sha256 " + sha + " but its manifest says " + f.sha256()
                            + ": the generation is damaged, not backing it up");
                }
                if (first) CrashPoints.hit("backup.after_first_file");
                first = false;
            }
            tar.finish();
        }
    }

    /** Reads only the manifest at the head of an archive (of an encrypted one, only the segments it is in are decrypted). */
    static BackupManifest readManifest(Path archive, BackupEncryption encryption) throws IOException {
        String where = where(archive);
        try (TarArchiveInputStream tar = open(archive, encryption)) {
            return manifestEntry(tar, where);
        }
    }

    /**
     * Unpacks an archive into {@code into}, a new directory it creates, proving each file against the manifest
     * (size and sha256), refusing entries it does not list and files it lists but the archive lacks, and
     * reading to the very end so gzip's own trailer (CRC-32 and length) is checked too. An encrypted
     * archive is authenticated whole first, so with a wrong key or a changed byte nothing is written at all.
     */
    static BackupManifest extract(Path archive, Path into, BackupEncryption encryption) throws IOException {
        String where = where(archive);
        encryption.authenticate(archive);
        Files.createDirectories(into);
        try (InputStream raw = encryption.open(archive, BUFFER);
             GZIPInputStream gz = gunzip(raw, where);
             TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            BackupManifest m = manifestEntry(tar, where);
            Set<String> done = new HashSet<>();
            for (TarArchiveEntry e; (e = next(tar, where)) != null; ) {
                String name = e.getName();
                BackupManifest.FileEntry f = m.file(name).orElseThrow(() -> new InvalidBackupException(
                        where + " holds '" + name + "', which its manifest does not list"));
                if (!e.isFile() || !done.add(name)) throw new InvalidBackupException(where + ": '" + name + "' is not a single regular file");
                if (e.getSize() != f.sizeBytes()) {
                    throw new InvalidBackupException(where + ": " + name + " is " + e.getSize() + " bytes, the manifest says " + f.sizeBytes());
                }
                unpack(tar, into.resolve(name), f, where);
            }
            List<String> missing = m.files().stream().map(BackupManifest.FileEntry::name).filter(n -> !done.contains(n)).toList();
            if (!missing.isEmpty()) throw new InvalidBackupException(where + " is incomplete (truncated?): missing " + missing);
            drain(gz, where);
            return m;
        }
    }

    private static void unpack(TarArchiveInputStream tar, Path dest, BackupManifest.FileEntry f, String where) throws IOException {
        MessageDigest digest = Sha256.digest();
        long total = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW), BUFFER)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = read(tar, buf, where)) >= 0; ) {
                digest.update(buf, 0, n);
                out.write(buf, 0, n);
                total += n;
            }
        }
        if (total != f.sizeBytes()) throw new InvalidBackupException(where + ": " + f.name() + " ends after " + total + " of " + f.sizeBytes() + " bytes (truncated)");
        String sha = Sha256.hex(digest);
        if (!sha.equals(f.sha256())) {
            throw new InvalidBackupException(where + ": " + f.name() + " has sha256 " + sha + ", the backup manifest says " + f.sha256()
                    + " (the archive was changed or damaged)");
        }
    }

    private static BackupManifest manifestEntry(TarArchiveInputStream tar, String where) throws IOException {
        TarArchiveEntry head = next(tar, where);
        if (head == null || !head.getName().equals(BackupManifest.FILE_NAME) || !head.isFile()) {
            throw new InvalidBackupException(where + " is not a faiss-rebuild backup: its first entry is not " + BackupManifest.FILE_NAME);
        }
        if (head.getSize() > MAX_MANIFEST_BYTES) throw new InvalidBackupException(where + ": " + BackupManifest.FILE_NAME + " is implausibly large");
        byte[] json = new byte[(int) head.getSize()];
        int off = 0;
        for (int n; off < json.length && (n = read(tar, json, off, json.length - off, where)) >= 0; ) off += n;
        if (off != json.length) throw new InvalidBackupException(where + " is truncated inside " + BackupManifest.FILE_NAME);
        return BackupManifest.parse(json, where);
    }

    private static TarArchiveInputStream open(Path archive, BackupEncryption encryption) throws IOException {
        InputStream raw = encryption.open(archive, 1 << 16);
        try {
            return new TarArchiveInputStream(gunzip(raw, where(archive)));
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    // Reading the archive: every failure there (EOF, bad CRC, bad tar header) means the archive is not
    // sound, so it is reported as such; a failure writing the destination is something else.

    private static GZIPInputStream gunzip(InputStream raw, String where) throws InvalidBackupException {
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (IOException e) {
            throw damaged(where, e);
        }
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar, String where) throws InvalidBackupException {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw damaged(where, e);
        }
    }

    private static int read(InputStream in, byte[] buf, String where) throws InvalidBackupException {
        return read(in, buf, 0, buf.length, where);
    }

    private static int read(InputStream in, byte[] buf, int off, int len, String where) throws InvalidBackupException {
        try {
            return in.read(buf, off, len);
        } catch (IOException e) {
            throw damaged(where, e);
        }
    }

    private static void drain(InputStream gz, String where) throws InvalidBackupException {
        try {
            gz.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw damaged(where, e);
        }
    }

    private static InvalidBackupException damaged(String where, IOException e) {
        if (e instanceof InvalidBackupException said) return said; // the decryption's own, already naming the archive
        String what = e instanceof EOFException && e.getMessage() == null ? "unexpected end of file" : e.getMessage();
        return new InvalidBackupException(where + " is truncated or damaged: " + what, e);
    }

    private static String where(Path archive) {
        return BackupEncryption.where(archive);
    }

    /**
     * Level 0, stored blocks: index files are float data that deflate barely shrinks (the 8 demo indices,
     * 52.6 MB: 93.1 % at level 1), and level 1 ran at 28.5 MB/s on one core against 551 MB/s stored
     * ({@code bench/BackupCodec.java}, 5 rounds alternated, fsync included; plain tar 887 MB/s). Stored
     * blocks keep the format: still gzip with its CRC-32 (checked to the end on restore), readable by
     * {@code tar xzf}, beside the sha256 of every file in the manifest.
     */
    private static GzipParameters gzipParameters() {
        GzipParameters p = new GzipParameters();
        p.setCompressionLevel(Deflater.NO_COMPRESSION);
        return p;
    }
}
