package dev.faissrebuild.store;

import dev.faissrebuild.runtime.config.ConfigException;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** The artifact store a configuration names ({@code artifacts.*}), or none when artifacts stay on this machine's disk. */
public final class ConfiguredStore {
    private ConfiguredStore() {}

    /** Empty when {@code artifacts.store} is empty (today's single-host layout, unchanged). */
    public static Optional<ArtifactStore> open(FaissRebuildConfig c) {
        return c.artifacts().shared() ? Optional.of(open(c.artifacts().store(), c.artifacts(), System.getenv())) : Optional.empty();
    }

    /** {@code location} with the S3 settings of {@code a}; the credentials are read from the environment variables it names. */
    public static ArtifactStore open(String location, FaissRebuildConfig.Artifacts a, Map<String, String> env) {
        try {
            return ArtifactStore.open(location, settings(a, env));
        } catch (IOException e) {
            throw new UncheckedIOException("artifact store " + location + " cannot be opened: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("artifacts.store = \"" + location + "\": " + e.getMessage());
        }
    }

    static S3ArtifactStore.Settings settings(FaissRebuildConfig.Artifacts a, Map<String, String> env) {
        URI endpoint = a.s3Endpoint().isBlank() ? null : URI.create(a.s3Endpoint());
        if (a.s3AccessKeyIdEnv().isBlank()) return new S3ArtifactStore.Settings(endpoint, a.s3Region(), null, null);
        return new S3ArtifactStore.Settings(endpoint, a.s3Region(), required(env, a.s3AccessKeyIdEnv(), "artifacts.s3_access_key_id_env"),
                required(env, a.s3SecretAccessKeyEnv(), "artifacts.s3_secret_access_key_env"));
    }

    private static String required(Map<String, String> env, String name, String field) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new ConfigException(field + " = \"" + name + "\": expected the name of a set environment variable; " + name + " is not set");
        }
        return v;
    }
}
