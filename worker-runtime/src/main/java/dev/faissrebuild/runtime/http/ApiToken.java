package dev.faissrebuild.runtime.http;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer token that guards {@code /api/*} and {@code /metrics} ({@code /health} stays open for
 * probes): read from {@code monitoring.api_token_file} (one line; the file mode is the operator's
 * protection) or from the environment variable {@code monitoring.api_token_env} names. Never logged.
 */
public record ApiToken(String value, String source) {
    public ApiToken {
        if (value.isBlank()) throw new IllegalArgumentException(source + " holds no token");
    }

    /** The configured token, if any; a configured one that cannot be read is an error naming the field. */
    public static Optional<ApiToken> of(FaissRebuildConfig.Monitoring m, Path base, Map<String, String> env) {
        if (!m.apiTokenFile().isBlank()) {
            Path file = base == null ? Path.of(m.apiTokenFile()) : base.resolve(m.apiTokenFile());
            try {
                return Optional.of(new ApiToken(Files.readString(file, StandardCharsets.UTF_8).strip(), "monitoring.api_token_file " + file));
            } catch (IOException e) {
                String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
                throw new IllegalArgumentException("monitoring.api_token_file = \"" + m.apiTokenFile() + "\": cannot read " + file + " ("
                        + why + "); expected a file holding the bearer token");
            }
        }
        if (!m.apiTokenEnv().isBlank()) {
            String v = env.get(m.apiTokenEnv());
            if (v == null) throw new IllegalArgumentException("monitoring.api_token_env = \"" + m.apiTokenEnv() + "\": the variable is not set");
            return Optional.of(new ApiToken(v.strip(), "the environment variable " + m.apiTokenEnv()));
        }
        return Optional.empty();
    }

    /** Whether an {@code Authorization} header carries this token (compared in constant time). */
    public boolean admits(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) return false;
        return MessageDigest.isEqual(authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** The header a client sends. */
    public String header() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "ApiToken[from " + source + "]"; // never the value
    }
}
