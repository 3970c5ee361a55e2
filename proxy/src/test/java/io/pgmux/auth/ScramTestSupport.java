package io.pgmux.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test helpers, including a reference SCRAM client built only from JDK primitives
 * (PBKDF2WithHmacSHA256, HmacSHA256, SHA-256), independent of {@link ScramCrypto}, so tests can
 * craft messages the production client never sends (y flag, extensions) and cross-check keys.
 */
final class ScramTestSupport {

    private ScramTestSupport() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** SaltedPassword via the JDK's own PBKDF2 (ASCII passwords only: no SASLprep here). */
    static byte[] jdkSaltedPassword(String asciiPassword, byte[] salt, int iterations) throws Exception {
        PBEKeySpec spec = new PBEKeySpec(asciiPassword.toCharArray(), salt, iterations, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    }

    static byte[] jdkHmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static byte[] jdkClientKey(String asciiPassword, byte[] salt, int iterations) throws Exception {
        return jdkHmac(jdkSaltedPassword(asciiPassword, salt, iterations), bytes("Client Key"));
    }

    /** The proof for an AuthMessage built from the three given parts, per RFC 5802 §3. */
    static String referenceProof(String asciiPassword, byte[] salt, int iterations,
            String clientFirstBare, String serverFirst, String finalWithoutProof) throws Exception {
        byte[] clientKey = jdkClientKey(asciiPassword, salt, iterations);
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
        byte[] signature = jdkHmac(storedKey, bytes(clientFirstBare + "," + serverFirst + "," + finalWithoutProof));
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        return b64(proof);
    }

    /** The expected {@code v=} for an AuthMessage built from the three given parts. */
    static String referenceServerFinal(String asciiPassword, byte[] salt, int iterations,
            String clientFirstBare, String serverFirst, String finalWithoutProof) throws Exception {
        byte[] serverKey = jdkHmac(jdkSaltedPassword(asciiPassword, salt, iterations), bytes("Server Key"));
        return "v=" + b64(jdkHmac(serverKey, bytes(clientFirstBare + "," + serverFirst + "," + finalWithoutProof)));
    }
}
