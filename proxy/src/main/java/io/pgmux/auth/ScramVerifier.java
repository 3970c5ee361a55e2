package io.pgmux.auth;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SCRAM-SHA-256 password verifier, as PostgreSQL stores it in {@code pg_authid.rolpassword}:
 * {@code SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>}.
 *
 * <p>It is enough to check a client's proof and to prove our own identity, but not enough to log
 * in to another server, which is why it can be stored instead of the password. Still, StoredKey
 * and ServerKey allow an offline dictionary attack, so {@link #toString()} and every exception
 * message leave them out. The arrays are copied in and out so the record stays immutable.
 *
 * @param iterations PBKDF2 iteration count, at least 1
 * @param salt the non-empty salt
 * @param storedKey H(ClientKey), 32 bytes
 * @param serverKey HMAC(SaltedPassword, "Server Key"), 32 bytes
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    /** The prefix PostgreSQL uses for this mechanism; also the SASL mechanism name. */
    public static final String PREFIX = "SCRAM-SHA-256";

    private static final Pattern FORMAT = Pattern.compile(
            "SCRAM-SHA-256\\$([0-9]{1,10}):([^$:]*)\\$([^$:]*):([^$:]*)");

    /**
     * Validates and defensively copies the components.
     *
     * @param iterations PBKDF2 iteration count, at least 1
     * @param salt the non-empty salt
     * @param storedKey H(ClientKey), 32 bytes
     * @param serverKey HMAC(SaltedPassword, "Server Key"), 32 bytes
     */
    public ScramVerifier {
        if (iterations < 1) {
            throw new IllegalArgumentException("SCRAM verifier: iteration count must be at least 1");
        }
        if (salt == null || salt.length == 0) {
            throw new IllegalArgumentException("SCRAM verifier: salt must not be empty");
        }
        if (storedKey == null || storedKey.length != ScramCrypto.KEY_LENGTH
                || serverKey == null || serverKey.length != ScramCrypto.KEY_LENGTH) {
            throw new IllegalArgumentException("SCRAM verifier: keys must be 32 bytes");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /**
     * Parses PostgreSQL's text form.
     *
     * @param s the stored verifier
     * @return the verifier
     * @throws IllegalArgumentException if {@code s} is not a SCRAM-SHA-256 verifier; the message
     *     names the faulty part but never contains the input
     */
    public static ScramVerifier parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("SCRAM verifier: missing");
        }
        Matcher m = FORMAT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("SCRAM verifier: not of the form "
                    + "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        long iterations = Long.parseLong(m.group(1));
        if (iterations > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("SCRAM verifier: iteration count out of range");
        }
        return new ScramVerifier((int) iterations, decode(m.group(2), "salt"),
                decode(m.group(3), "StoredKey"), decode(m.group(4), "ServerKey"));
    }

    /**
     * Derives the verifier PostgreSQL would store for {@code password}.
     *
     * @param password the password; SASLprep'd first, as PostgreSQL does
     * @param salt the non-empty salt
     * @param iterations PBKDF2 iteration count, at least 1
     * @return the verifier
     */
    public static ScramVerifier fromPassword(String password, byte[] salt, int iterations) {
        if (salt == null || salt.length == 0) {
            throw new IllegalArgumentException("SCRAM verifier: salt must not be empty");
        }
        byte[] salted = ScramCrypto.saltedPassword(password, salt, iterations);
        try {
            return fromSaltedPassword(salted, salt, iterations);
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** Derives StoredKey and ServerKey from an already computed SaltedPassword. */
    static ScramVerifier fromSaltedPassword(byte[] saltedPassword, byte[] salt, int iterations) {
        byte[] storedKey = ScramCrypto.sha256(ScramCrypto.clientKey(saltedPassword));
        return new ScramVerifier(iterations, salt, storedKey, ScramCrypto.serverKey(saltedPassword));
    }

    /**
     * Formats the verifier the way PostgreSQL stores it; {@code parse(v.encode()).equals(v)}.
     *
     * @return {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}
     */
    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + "$" + iterations + ":" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    }

    /** @return a copy of the salt */
    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** @return a copy of StoredKey */
    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    /** @return a copy of ServerKey */
    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** Content equality; keys are compared in constant time since they are secrets. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScramVerifier v)) {
            return false;
        }
        boolean keysEqual = MessageDigest.isEqual(storedKey, v.storedKey)
                & MessageDigest.isEqual(serverKey, v.serverKey); // no short-circuit: same time either way
        return keysEqual && iterations == v.iterations && Arrays.equals(salt, v.salt);
    }

    @Override
    public int hashCode() {
        // deliberately leaves the keys out: a hash of a secret is a leak when it gets logged
        return 31 * Integer.hashCode(iterations) + Arrays.hashCode(salt);
    }

    /** Shows iterations and salt (not secret, they are sent to every client) but masks the keys. */
    @Override
    public String toString() {
        return "ScramVerifier[iterations=" + iterations + ", salt=" + Base64.getEncoder().encodeToString(salt)
                + ", storedKey=<redacted>, serverKey=<redacted>]";
    }

    private static byte[] decode(String b64, String what) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            // the decoder's own message quotes the offending character: do not chain it
            throw new IllegalArgumentException("SCRAM verifier: " + what + " is not valid base64");
        }
    }
}
