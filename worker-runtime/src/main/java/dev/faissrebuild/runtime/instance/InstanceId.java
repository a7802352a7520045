package dev.faissrebuild.runtime.instance;

import dev.faissrebuild.runtime.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who this process is to Kafka, the same after a restart: the part of every {@code group.instance.id}
 * (static group membership) and per-instance {@code transactional.id} that names the instance. A
 * restarted worker with the same id takes its predecessor's place in the group at once, and its
 * producer aborts the transaction the predecessor left open, instead of both waiting for timeouts.
 *
 * <p>Default: the host name and a hash of the data dir, so two data dirs on one host differ. Two
 * instances of one worker on the same host and data dir need their own id ({@code --instance-id} or
 * {@code FAISS_REBUILD_INSTANCE_ID}); {@link InstanceLock} refuses the second when they do not.
 *
 * @param source where the value came from, for messages
 */
public record InstanceId(String value, String source) {
    public static final String ENV = "FAISS_REBUILD_INSTANCE_ID";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public InstanceId {
        if (!VALID.matcher(value).matches()) {
            throw new ConfigException("instance id \"" + value + "\" (" + source + ") must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
    }

    /** The option if given, else the environment variable, else derived from the host and the data dir. */
    public static InstanceId resolve(String option, Map<String, String> env, Path dataDir) {
        if (option != null && !option.isBlank()) return new InstanceId(option.strip(), "--instance-id");
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return new InstanceId(fromEnv.strip(), "environment variable " + ENV);
        return new InstanceId(host() + "-" + hash(dataDir.toAbsolutePath().normalize().toString()), "host and data dir");
    }

    private static String host() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = "localhost"; // a host without a resolvable name: the data dir's hash still tells data dirs apart
        }
        String clean = name.replaceAll("[^A-Za-z0-9.-]", "-");
        return clean.length() > 60 ? clean.substring(0, 60) : clean;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
