package io.pgmux.auth;

import static io.pgmux.auth.ScramTestSupport.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgmux.config.ScramVerifier;
import org.junit.jupiter.api.Test;

/** Deriving a {@link ScramVerifier} from a password ({@link ScramVerifiers}) and the Hi() under it. */
class ScramVerifiersTest {

    /** Python hashlib: pbkdf2_hmac('sha256', b'pencil', b'\x01\x02\x03', 1), i.e. the loop-free case. */
    private static final String PENCIL_ONE_ITERATION = "SCRAM-SHA-256$1:AQID"
            + "$IqLTO2fkEIx/8N33WnuHTY7dkEsl/hPDm9iN1TEBUyI=:e+T73m5EcbzpyIBfMPgJgRhp9itoUDhmxSDWLd/2sgo=";
    /** What PostgreSQL stored for password "secret" with this salt. */
    private static final String SECRET = "SCRAM-SHA-256$4096:j0iwm0RzBzEFxSCt79RgvA==$"
            + "PoF70w8VWP5scjt77imOBHaR4GK+K3gKX2CEtbu1Jho=:7NERiID1djWoWL+crvEMWjKor9Zj4/qJfvlVTRlRMpQ=";

    @Test
    void fromPasswordWithOneIteration() {
        assertEquals(PENCIL_ONE_ITERATION, ScramVerifiers.fromPassword("pencil", new byte[] {1, 2, 3}, 1).encode());
    }

    @Test
    void fromPasswordEqualsWhatPostgresStored() {
        assertEquals(ScramVerifier.parse(SECRET), ScramVerifiers.fromPassword("secret", b64("j0iwm0RzBzEFxSCt79RgvA=="), 4096));
    }

    @Test
    void hiMatchesJdkPbkdf2() throws Exception {
        byte[] salt = b64("QSXCR+Q6sek8bf92");
        for (int iterations : new int[] {1, 2, 4096}) {
            assertArrayEquals(ScramTestSupport.jdkSaltedPassword("pencil", salt, iterations),
                    ScramCrypto.saltedPassword("pencil", salt, iterations), "iterations=" + iterations);
        }
    }

    @Test
    void emptyPasswordDerivesLikeTheZeroPaddedHmacKey() {
        // HMAC pads short keys with zeros, so "" and "\0" are the same key; SecretKeySpec refuses ""
        assertArrayEquals(ScramCrypto.hi(new byte[] {0}, new byte[] {1}, 3), ScramCrypto.hi(new byte[0], new byte[] {1}, 3));
    }

    @Test
    void fromPasswordRejectsBadParameters() {
        assertEquals("malformed SCRAM-SHA-256 verifier: salt must not be empty", assertThrows(IllegalArgumentException.class,
                () -> ScramVerifiers.fromPassword("x", new byte[0], 4096)).getMessage());
        assertEquals("iteration count must be at least 1", assertThrows(IllegalArgumentException.class,
                () -> ScramVerifiers.fromPassword("x", new byte[] {1}, 0)).getMessage());
        assertFalse(ScramVerifiers.fromPassword("x", new byte[] {1}, 1).equals(null));
    }
}
