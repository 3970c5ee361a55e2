package io.pgmux.config;

import java.util.Arrays;
import java.util.Base64;

/**
 * A parsed SCRAM-SHA-256 verifier, {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}
 * with base64 parts, as PostgreSQL stores it. Arrays are copied in and out.
 *
 * @param iterations PBKDF2 iteration count, at least 1
 * @param salt       the salt, not empty
 * @param storedKey  H(ClientKey), 32 bytes
 * @param serverKey  HMAC(SaltedPassword, "Server Key"), 32 bytes
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    /** How every verifier starts. */
    public static final String PREFIX = "SCRAM-SHA-256$";
    /** SHA-256 output length, the size of both keys. */
    public static final int KEY_LENGTH = 32;

    // Never includes the verifier: it is as good as the password against a leaked dump.
    private static final String MALFORMED =
            "malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>";

    /** Checks the invariants and copies the arrays. */
    public ScramVerifier {
        if (iterations < 1) {
            throw new IllegalArgumentException(MALFORMED);
        }
        if (salt.length == 0 || storedKey.length != KEY_LENGTH || serverKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException(MALFORMED);
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException with a message that does not contain the text
     */
    public static ScramVerifier parse(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException(MALFORMED);
        }
        String[] halves = text.substring(PREFIX.length()).split("\\$", -1);
        if (halves.length != 2) {
            throw new IllegalArgumentException(MALFORMED);
        }
        String[] head = halves[0].split(":", -1);
        String[] keys = halves[1].split(":", -1);
        if (head.length != 2 || keys.length != 2) {
            throw new IllegalArgumentException(MALFORMED);
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return new ScramVerifier(Integer.parseInt(head[0]), b64.decode(head[1]), b64.decode(keys[0]),
                    b64.decode(keys[1]));
        } catch (IllegalArgumentException e) { // NumberFormatException is one too
            throw new IllegalArgumentException(MALFORMED);
        }
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramVerifier v && iterations == v.iterations && Arrays.equals(salt, v.salt)
                && Arrays.equals(storedKey, v.storedKey) && Arrays.equals(serverKey, v.serverKey);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * iterations + Arrays.hashCode(salt)) + Arrays.hashCode(storedKey))
                + Arrays.hashCode(serverKey);
    }

    @Override
    public String toString() {
        return "ScramVerifier[iterations=" + iterations + ", ***]";
    }
}
