package io.pgmux.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SCRAM-SHA-256 password verifier, as PostgreSQL stores it in {@code pg_authid.rolpassword}:
 * {@code SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>}. The one
 * parser of that form, for the configuration and for what auth_query reads from a server alike, so
 * that a verifier {@code --check} accepts is one a login can use.
 *
 * <p>It is enough to check a client's proof and to prove our own identity, but not enough to log
 * in to another server, which is why it can be stored instead of the password. Still, StoredKey
 * and ServerKey allow an offline dictionary attack, so {@link #toString()} and every exception
 * message leave them out. The arrays are copied in and out so the record stays immutable.
 *
 * @param iterations PBKDF2 iteration count, at least 1
 * @param salt       the non-empty salt
 * @param storedKey  H(ClientKey), 32 bytes
 * @param serverKey  HMAC(SaltedPassword, "Server Key"), 32 bytes
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    /** How every verifier starts. */
    public static final String PREFIX = "SCRAM-SHA-256$";
    /** SHA-256 output length, the size of both keys. */
    public static final int KEY_LENGTH = 32;

    private static final String MALFORMED = "malformed SCRAM-SHA-256 verifier";
    private static final String EXPECTED = "; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>";
    private static final Pattern FORMAT = Pattern.compile(
            "SCRAM-SHA-256\\$([0-9]{1,10}):([^$:]*)\\$([^$:]*):([^$:]*)");

    /** Checks the invariants and copies the arrays. */
    public ScramVerifier {
        if (iterations < 1) {
            throw malformed("iteration count must be at least 1");
        }
        if (salt == null || salt.length == 0) {
            throw malformed("salt must not be empty");
        }
        if (storedKey == null || storedKey.length != KEY_LENGTH || serverKey == null || serverKey.length != KEY_LENGTH) {
            throw malformed("keys must be 32 bytes");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /**
     * Parses PostgreSQL's text form.
     *
     * @throws IllegalArgumentException if {@code text} is not a SCRAM-SHA-256 verifier; the message
     *     names the faulty part but never contains the text
     */
    public static ScramVerifier parse(String text) {
        if (text == null) {
            throw malformed("missing");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(MALFORMED + EXPECTED);
        }
        long iterations = Long.parseLong(m.group(1));
        if (iterations > Integer.MAX_VALUE) {
            throw malformed("iteration count out of range");
        }
        return new ScramVerifier((int) iterations, decode(m.group(2), "salt"),
                decode(m.group(3), "StoredKey"), decode(m.group(4), "ServerKey"));
    }

    /** The text form PostgreSQL stores; {@code parse(v.encode()).equals(v)}. */
    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + b64.encodeToString(salt) + "$"
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
            throw malformed(what + " is not valid base64");
        }
    }

    private static IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException(MALFORMED + ": " + what);
    }
}
