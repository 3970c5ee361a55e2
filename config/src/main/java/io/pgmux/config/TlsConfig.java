package io.pgmux.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS on both legs ({@code tls:} block): between clients and pgmux, and between pgmux and the servers.
 * Paths are used as written (a relative path is relative to pgmux's working directory) and read when
 * pgmux starts and again on every RELOAD or SIGHUP, so a renewed certificate needs no restart.
 *
 * @param clientMode what pgmux answers a client's SSLRequest, and whether it accepts plain clients
 * @param certFile   pgmux's certificate chain for clients (PEM), or null
 * @param keyFile    the private key of {@code certFile} (PEM, PKCS#8 or PKCS#1 RSA, unencrypted), or null
 * @param serverMode whether pgmux asks the servers for TLS and how it checks their certificates
 * @param caFile     CA certificates (PEM) a server's certificate must chain to, for the verify modes; or null
 * @param clientCaFile CA certificates (PEM) a client's certificate must chain to, for the client verify modes; or null
 * @param serverCertFile the certificate chain pgmux shows servers that ask for one (PEM), or null
 * @param serverKeyFile  the private key of {@code serverCertFile}, or null
 */
public record TlsConfig(ClientMode clientMode, Path certFile, Path keyFile, ServerMode serverMode, Path caFile,
                        Path clientCaFile, Path serverCertFile, Path serverKeyFile) {

    /** PgBouncer's {@code client_tls_sslmode}. */
    public enum ClientMode {
        /** SSLRequest is answered {@code N}: clients talk in plain text. */
        DISABLE,
        /** TLS when the client asks for it, plain text otherwise (the same as {@link #PREFER} on this side). */
        ALLOW,
        /** TLS when the client asks for it, plain text otherwise. */
        PREFER,
        /** Only TLS: a client that logs in without it is refused with 28000. */
        REQUIRE,
        /** Only TLS, with a client certificate signed by {@code client_ca_file}. */
        VERIFY_CA,
        /** The same as {@link #VERIFY_CA} on this leg, as in PgBouncer ({@code auth: cert} checks the name). */
        VERIFY_FULL;

        public String configName() {
            return libpqSpelling(this);
        }

        /** True when a client must log in over TLS. */
        public boolean required() {
            return this == REQUIRE || requiresCertificate();
        }

        /** True when a client must show a certificate that chains to {@code client_ca_file}. */
        public boolean requiresCertificate() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        public static Optional<ClientMode> fromConfigName(String name) {
            return ConfigNames.lookup(values(), ClientMode::configName, name);
        }
    }

    /** libpq's {@code sslmode} as pgmux applies it to its own server connections. */
    public enum ServerMode {
        /** Plain TCP; no SSLRequest is sent. */
        DISABLE,
        /** TLS when the server offers it, plain otherwise; the certificate is not checked. */
        PREFER,
        /** TLS or no connection; the certificate is not checked (encryption, no authentication). */
        REQUIRE,
        /** TLS with a certificate signed by {@code ca_file}; the host name is not checked. */
        VERIFY_CA,
        /** TLS with a certificate signed by {@code ca_file} and issued for the host pgmux connects to. */
        VERIFY_FULL;

        public String configName() {
            return libpqSpelling(this);
        }

        /** True when the server must speak TLS: a server that answers {@code N} is not used. */
        public boolean required() {
            return this != DISABLE && this != PREFER;
        }

        /** True when the server's certificate must chain to {@code ca_file}. */
        public boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        public static Optional<ServerMode> fromConfigName(String name) {
            return ConfigNames.lookup(values(), ServerMode::configName, name);
        }
    }

    /** A mode as libpq and PgBouncer write it: {@code VERIFY_FULL} is {@code verify-full}. */
    private static String libpqSpelling(Enum<?> mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Rejects null modes; which files a mode needs is checked when a file is loaded. */
    public TlsConfig {
        Objects.requireNonNull(clientMode, "clientMode");
        Objects.requireNonNull(serverMode, "serverMode");
    }

    /** Settings without client certificates on either leg. */
    public TlsConfig(ClientMode clientMode, Path certFile, Path keyFile, ServerMode serverMode, Path caFile) {
        this(clientMode, certFile, keyFile, serverMode, caFile, null);
    }

    /** Settings without a certificate of pgmux's own for the servers. */
    public TlsConfig(ClientMode clientMode, Path certFile, Path keyFile, ServerMode serverMode, Path caFile,
                     Path clientCaFile) {
        this(clientMode, certFile, keyFile, serverMode, caFile, clientCaFile, null, null);
    }

    /** TLS off on both legs, no files. */
    public static TlsConfig defaults() {
        return new TlsConfig(ClientMode.DISABLE, null, null, ServerMode.DISABLE, null, null, null, null);
    }

    /** True when clients may (or must) use TLS. */
    public boolean clientTls() {
        return clientMode != ClientMode.DISABLE;
    }
}
