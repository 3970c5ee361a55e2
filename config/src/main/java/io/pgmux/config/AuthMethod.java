package io.pgmux.config;

import java.util.Optional;

/** How pgmux authenticates a client ({@code users[].auth}), named as in {@code pg_hba.conf}. */
public enum AuthMethod {
    /** SCRAM-SHA-256; the default. */
    SCRAM_SHA_256("scram-sha-256"),
    /** MD5 challenge; with a SCRAM verifier as password SCRAM is used instead, as PostgreSQL does. */
    MD5("md5"),
    /** Clear-text password; YAML aliases {@code cleartext} and {@code plain}. */
    PASSWORD("password"),
    /** No password asked. */
    TRUST("trust"),
    /**
     * The client's TLS certificate, whose common name must be the user name (PostgreSQL's and
     * PgBouncer's {@code cert}); needs {@code tls.client_mode} verify-ca or verify-full.
     */
    CERT("cert");

    private final String configName;

    AuthMethod(String configName) {
        this.configName = configName;
    }

    /** The spelling used in the YAML file. */
    public String configName() {
        return configName;
    }

    /** Looks a method up by its YAML spelling or alias, ignoring case. */
    public static Optional<AuthMethod> fromConfigName(String name) {
        if (name.equalsIgnoreCase("cleartext") || name.equalsIgnoreCase("plain")) {
            return Optional.of(PASSWORD);
        }
        return ConfigNames.lookup(values(), AuthMethod::configName, name);
    }
}
