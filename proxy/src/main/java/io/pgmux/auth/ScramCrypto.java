package io.pgmux.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 primitives of RFC 5802 §2.2/§3 (HMAC, H, Hi and the key derivations), kept in
 * one place so that the server, the client, the verifier and the cleartext check cannot drift apart.
 */
final class ScramCrypto {

    /** SHA-256 output length; every key, proof and signature has this size. */
    static final int KEY_LENGTH = 32;

    private static final String HMAC = "HmacSHA256";
    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private ScramCrypto() {
    }

    /**
     * SaltedPassword := Hi(Normalize(password), salt, i), where Normalize is SASLprep as PostgreSQL
     * applies it (falling back to the raw password when SASLprep rejects it).
     */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        byte[] normalized = SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8);
        return hi(normalized, salt, iterations);
    }

    /** Hi() is PBKDF2 with HMAC-SHA-256 and a single output block (dkLen == hLen). */
    static byte[] hi(byte[] password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iteration count must be at least 1");
        }
        Mac mac = mac(password);
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1}); // INT(1): the first (and only) PBKDF2 block
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    static byte[] hmac(byte[] key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] data) {
        return digest("SHA-256").digest(data);
    }

    static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("length mismatch");
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** A nonce as PostgreSQL builds them: base64 of raw random bytes, hence printable and comma-free. */
    static String randomNonce(SecureRandom random, int rawBytes) {
        byte[] raw = new byte[rawBytes];
        random.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            // every Java SE implementation must provide SHA-256 and MD5
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            // SecretKeySpec refuses an empty key. HMAC zero-pads keys to the block size, so an
            // empty key is by definition the same key as a single zero byte.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
    }
}
