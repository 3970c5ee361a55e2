package io.pgmux.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A user's password as written in the configuration: plain text, a PostgreSQL MD5 hash or a
 * SCRAM-SHA-256 verifier. {@link #toString()} never shows the value, so a secret can be logged with
 * the record holding it.
 *
 * @param kind  what {@code value} holds
 * @param value the password, hash or verifier exactly as configured
 */
public record Secret(Kind kind, String value) {

    /** What a secret's value holds. */
    public enum Kind {
        /** The password itself. */
        PLAIN,
        /** {@code md5} followed by the hex MD5 of password + user name, as in {@code pg_authid}. */
        MD5,
        /** {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, as in {@code pg_authid}. */
        SCRAM_SHA_256
    }

    private static final Pattern MD5_HASH = Pattern.compile("md5[0-9a-f]{32}");

    /** Checks that an MD5 or SCRAM value has the right shape. */
    public Secret {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        switch (kind) {
            case MD5 -> {
                if (!MD5_HASH.matcher(value).matches()) {
                    throw new IllegalArgumentException("an MD5 secret must be md5 followed by 32 lowercase hex digits");
                }
            }
            case SCRAM_SHA_256 -> ScramVerifier.parse(value);
            case PLAIN -> { }
        }
    }

    /**
     * Classifies a configured password the way PostgreSQL classifies {@code pg_authid.rolpassword}.
     *
     * @throws IllegalArgumentException if it starts like a SCRAM verifier but is malformed
     */
    public static Secret of(String value) {
        if (MD5_HASH.matcher(value).matches()) {
            return new Secret(Kind.MD5, value);
        }
        if (value.startsWith(ScramVerifier.PREFIX)) {
            return new Secret(Kind.SCRAM_SHA_256, value);
        }
        return new Secret(Kind.PLAIN, value);
    }

    /**
     * The parsed verifier of a {@link Kind#SCRAM_SHA_256} secret.
     *
     * @throws IllegalStateException for other kinds
     */
    public ScramVerifier scramVerifier() {
        if (kind != Kind.SCRAM_SHA_256) {
            throw new IllegalStateException("not a SCRAM-SHA-256 secret");
        }
        return ScramVerifier.parse(value);
    }

    @Override
    public String toString() {
        return "Secret[" + kind + ", ***]";
    }
}
