package dev.faissrebuild.runtime.http;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code monitoring.tls_keystore_file}: the HTTP endpoints speak HTTPS with the key and certificate
 * chain of a PKCS#12 keystore (what {@code keytool} and {@code openssl pkcs12 -export} write), its
 * password read from the environment variable {@code tls_keystore_password_env} names (never from the
 * config file, which more people read). Our own client ({@code faiss-rebuild monitor}) trusts the
 * keystore's certificates, so a self-signed certificate works on the host that holds it.
 */
public record Tls(SSLContext server, SSLContext client, String source) {
    /** The configured TLS, if any; a keystore that cannot be opened is an error naming the field and why. */
    public static Optional<Tls> of(FaissRebuildConfig.Monitoring m, Path base, Map<String, String> env) {
        if (!m.tls()) return Optional.empty();
        Path file = base == null ? Path.of(m.tlsKeystoreFile()) : base.resolve(m.tlsKeystoreFile());
        String field = "monitoring.tls_keystore_file = \"" + m.tlsKeystoreFile() + "\": ";
        String password = env.get(m.tlsKeystorePasswordEnv());
        if (password == null) {
            throw new IllegalArgumentException("monitoring.tls_keystore_password_env = \"" + m.tlsKeystorePasswordEnv()
                    + "\": the variable is not set; expected the password of " + file);
        }
        KeyStore store = load(file, password.toCharArray(), field, m.tlsKeystorePasswordEnv());
        try {
            if (Collections.list(store.aliases()).stream().noneMatch(a -> isKey(store, a))) {
                throw new IllegalArgumentException(field + file + " holds no private key; expected a key and its certificate chain");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(keys.getKeyManagers(), null, null);
            return Optional.of(new Tls(server, trusting(store), "monitoring.tls_keystore_file " + file));
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(field + "the key in " + file + " has a password other than the keystore's; "
                    + "expected one password for both (as keytool and openssl write them)");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(field + "cannot use " + file + " (" + e.getMessage() + ")");
        }
    }

    private static KeyStore load(Path file, char[] password, String field, String passwordEnv) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(field + "no such file " + file + "; expected a PKCS#12 keystore");
        } catch (IOException e) {
            // PKCS#12 reports a wrong password as an IOException caused by UnrecoverableKeyException
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(field + "the password in " + passwordEnv + " does not open " + file);
            }
            throw new IllegalArgumentException(field + "cannot read " + file + " as a PKCS#12 keystore (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(field + "cannot read " + file + " as a PKCS#12 keystore (" + e.getMessage() + ")");
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A client context that trusts exactly the certificates of the keystore's entries. */
    private static SSLContext trusting(KeyStore store) throws GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try {
            trust.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int n = 0;
        for (String alias : Collections.list(store.aliases())) {
            Certificate[] chain = store.getCertificateChain(alias);
            if (chain == null) continue;
            for (Certificate c : chain) trust.setCertificateEntry("c" + n++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return client;
    }

    @Override
    public String toString() {
        return "Tls[from " + source + "]"; // never the password
    }
}
