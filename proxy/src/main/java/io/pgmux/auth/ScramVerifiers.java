package io.pgmux.auth;

import io.pgmux.config.ScramVerifier;

import java.util.Arrays;

/** Derives the {@link ScramVerifier} PostgreSQL would store for a password. */
public final class ScramVerifiers {

    private ScramVerifiers() {
    }

    /**
     * The verifier of {@code password} (SASLprep'd first, as PostgreSQL does) with this salt and
     * iteration count.
     *
     * @throws IllegalArgumentException for an empty salt or an iteration count below 1
     */
    public static ScramVerifier fromPassword(String password, byte[] salt, int iterations) {
        if (salt == null || salt.length == 0) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: salt must not be empty");
        }
        byte[] salted = ScramCrypto.saltedPassword(password, salt, iterations);
        try {
            return fromSaltedPassword(salted, salt, iterations);
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** StoredKey and ServerKey from an already computed SaltedPassword. */
    static ScramVerifier fromSaltedPassword(byte[] saltedPassword, byte[] salt, int iterations) {
        byte[] storedKey = ScramCrypto.sha256(ScramCrypto.clientKey(saltedPassword));
        return new ScramVerifier(iterations, salt, storedKey, ScramCrypto.serverKey(saltedPassword));
    }
}
