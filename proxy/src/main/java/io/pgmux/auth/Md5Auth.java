package io.pgmux.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * PostgreSQL's legacy md5 password authentication.
 *
 * <p>The stored form is {@code "md5" + hex(md5(password + user))}; on the wire the client answers
 * AuthenticationMD5Password(salt) with {@code "md5" + hex(md5(hex part of stored + salt))}. The
 * stored hash is therefore password-equivalent: whoever has it can log in, so it is treated as
 * a secret (never in exception messages) just like the password.
 */
public final class Md5Auth {

    /** "md5" + 32 lowercase hex digits: the only form PostgreSQL recognises as an md5 hash. */
    private static final int STORED_LENGTH = 35;
    private static final int SALT_LENGTH = 4;

    private Md5Auth() {
    }

    /**
     * @param password the plain password
     * @param user the role name (PostgreSQL salts with it)
     * @return the stored form, {@code md5<32 hex digits>}
     */
    public static String hash(String password, String user) {
        return "md5" + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Computes the PasswordMessage content a client sends for md5 authentication.
     *
     * @param md5StoredHash the stored form ({@link #hash})
     * @param salt4 the 4-byte salt from AuthenticationMD5Password
     * @return {@code md5<32 hex digits>} as ASCII bytes, without the wire format's trailing NUL
     * @throws IllegalArgumentException if the stored hash or the salt is malformed
     */
    public static byte[] response(String md5StoredHash, byte[] salt4) {
        requireStoredHash(md5StoredHash);
        if (salt4 == null || salt4.length != SALT_LENGTH) {
            throw new IllegalArgumentException("md5 salt must be 4 bytes");
        }
        byte[] hex = md5StoredHash.substring(3).getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[hex.length + SALT_LENGTH];
        System.arraycopy(hex, 0, input, 0, hex.length);
        System.arraycopy(salt4, 0, input, hex.length, SALT_LENGTH);
        return ("md5" + md5Hex(input)).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@link #response} from the plain password: what pgmux sends to a PostgreSQL server that asks for md5.
     *
     * @param password the plain password
     * @param user the role name on the server
     * @param salt4 the 4-byte salt from AuthenticationMD5Password
     * @return {@code md5<32 hex digits>} as ASCII bytes, without the trailing NUL
     */
    public static byte[] responseFromPassword(String password, String user, byte[] salt4) {
        return response(hash(password, user), salt4);
    }

    /**
     * Checks a client's md5 response in constant time.
     *
     * @param md5StoredHash the stored form ({@link #hash})
     * @param salt4 the salt we sent in AuthenticationMD5Password
     * @param clientResponse the PasswordMessage content, without the trailing NUL
     * @return whether the client knows the password
     * @throws IllegalArgumentException if the stored hash or the salt is malformed
     */
    public static boolean verify(String md5StoredHash, byte[] salt4, byte[] clientResponse) {
        return MessageDigest.isEqual(response(md5StoredHash, salt4), clientResponse);
    }

    /**
     * @param value a stored password of unknown kind
     * @return whether PostgreSQL would treat it as an md5 hash
     */
    public static boolean isStoredHash(String value) {
        if (value == null || value.length() != STORED_LENGTH || !value.startsWith("md5")) {
            return false;
        }
        for (int i = 3; i < STORED_LENGTH; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static void requireStoredHash(String value) {
        if (!isStoredHash(value)) {
            throw new IllegalArgumentException("not an md5 password hash (expected md5 + 32 lowercase hex digits)");
        }
    }

    private static String md5Hex(byte[] data) {
        return HexFormat.of().formatHex(ScramCrypto.digest("MD5").digest(data));
    }
}
