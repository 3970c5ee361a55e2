package io.pgmux.auth;

import io.pgmux.config.ScramVerifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks a password a client sent in clear text (PostgreSQL {@code password} authentication)
 * against a configured secret of each kind, the way PostgreSQL would.
 *
 * <p>Every comparison is constant-time, so response timing does not tell how much of a guess was
 * right. Malformed stored secrets are configuration errors and raise
 * {@link IllegalArgumentException} (whose message never contains the secret), not a mismatch.
 */
public final class PasswordCheck {

    private PasswordCheck() {
    }

    /**
     * @param given the password the client sent
     * @param storedPlain the configured plain password
     * @return whether they are equal
     */
    public static boolean matchesPlain(String given, String storedPlain) {
        // compare digests rather than the strings: MessageDigest.isEqual returns early on a length
        // difference, which would leak the configured password's length
        return MessageDigest.isEqual(sha256(given), sha256(storedPlain));
    }

    /**
     * @param given the password the client sent
     * @param storedMd5 the configured {@code md5<hex>} hash
     * @param user the role name the hash was made for
     * @return whether {@code given} hashes to {@code storedMd5}
     * @throws IllegalArgumentException if {@code storedMd5} is not an md5 hash
     */
    public static boolean matchesMd5(String given, String storedMd5, String user) {
        if (!Md5Auth.isStoredHash(storedMd5)) {
            throw new IllegalArgumentException("not an md5 password hash (expected md5 + 32 lowercase hex digits)");
        }
        byte[] computed = Md5Auth.hash(given, user).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(computed, storedMd5.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param given the password the client sent
     * @param storedVerifier the configured {@code SCRAM-SHA-256$...} verifier
     * @return whether {@code given} derives the same keys with the verifier's salt and iterations
     * @throws IllegalArgumentException if {@code storedVerifier} does not parse
     */
    public static boolean matchesScram(String given, String storedVerifier) {
        return matchesScram(given, ScramVerifier.parse(storedVerifier));
    }

    /**
     * @param given the password the client sent
     * @param verifier the configured verifier
     * @return whether {@code given} derives the same StoredKey and ServerKey
     */
    public static boolean matchesScram(String given, ScramVerifier verifier) {
        // equals() compares both keys in constant time; salt and iterations are equal by construction
        return ScramVerifiers.fromPassword(given, verifier.salt(), verifier.iterations()).equals(verifier);
    }

    private static byte[] sha256(String s) {
        return ScramCrypto.sha256(s.getBytes(StandardCharsets.UTF_8));
    }
}
