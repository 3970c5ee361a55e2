package io.pgmux.auth;

import static io.pgmux.auth.ScramTestSupport.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing, encoding and secret hygiene of {@link ScramVerifier}. */
class ScramVerifierTest {

    private static final String STORED = "PoF70w8VWP5scjt77imOBHaR4GK+K3gKX2CEtbu1Jho=";
    private static final String SERVER = "7NERiID1djWoWL+crvEMWjKor9Zj4/qJfvlVTRlRMpQ=";
    private static final String TEXT = "SCRAM-SHA-256$4096:j0iwm0RzBzEFxSCt79RgvA==$" + STORED + ":" + SERVER;

    /** Python hashlib: pbkdf2_hmac('sha256', b'pencil', b'\x01\x02\x03', 1), i.e. the loop-free case. */
    private static final String PENCIL_ONE_ITERATION = "SCRAM-SHA-256$1:AQID"
            + "$IqLTO2fkEIx/8N33WnuHTY7dkEsl/hPDm9iN1TEBUyI=:e+T73m5EcbzpyIBfMPgJgRhp9itoUDhmxSDWLd/2sgo=";

    @Test
    void parsesAndEncodesPostgresFormat() {
        ScramVerifier v = ScramVerifier.parse(TEXT);
        assertEquals(4096, v.iterations());
        assertArrayEquals(b64("j0iwm0RzBzEFxSCt79RgvA=="), v.salt());
        assertArrayEquals(b64(STORED), v.storedKey());
        assertArrayEquals(b64(SERVER), v.serverKey());
        assertEquals(TEXT, v.encode());
    }

    @Test
    void fromPasswordWithOneIteration() {
        assertEquals(PENCIL_ONE_ITERATION, ScramVerifier.fromPassword("pencil", new byte[] {1, 2, 3}, 1).encode());
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
    void toStringMasksKeys() {
        assertEquals("ScramVerifier[iterations=4096, salt=j0iwm0RzBzEFxSCt79RgvA==, storedKey=<redacted>, "
                + "serverKey=<redacted>]", ScramVerifier.parse(TEXT).toString());
    }

    @Test
    void equalityIsByContent() {
        ScramVerifier a = ScramVerifier.parse(TEXT);
        ScramVerifier b = ScramVerifier.parse(TEXT);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a, ScramVerifier.fromPassword("secret", b64("j0iwm0RzBzEFxSCt79RgvA=="), 4096));
        assertNotEquals(a, ScramVerifier.parse(TEXT.replace("4096", "4097")));
        assertNotEquals(a, ScramVerifier.parse(TEXT.replace(":7NER", ":7NEQ")));
        assertNotEquals(a, ScramVerifier.parse(TEXT.replace("$PoF7", "$PoF8")));
        assertNotEquals(a, ScramVerifier.parse(TEXT.replace("j0iwm0", "j0iwm1")));
    }

    @Test
    void componentsAreDefensivelyCopied() {
        byte[] salt = {1, 2, 3};
        ScramVerifier v = new ScramVerifier(1, salt, new byte[32], new byte[32]);
        salt[0] = 9;
        v.storedKey()[0] = 9;
        v.salt()[1] = 9;
        assertEquals("SCRAM-SHA-256$1:AQID$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", v.encode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "md5b52328d7451bfeace80c4b8c338106f9             | SCRAM verifier: not of the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$4096:j0iwm0RzBzEFxSCt79RgvA==     | SCRAM verifier: not of the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$x:SALT$STORED:SERVER              | SCRAM verifier: not of the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$-1:SALT$STORED:SERVER             | SCRAM verifier: not of the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "scram-sha-256$4096:SALT$STORED:SERVER           | SCRAM verifier: not of the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$4096:SALT$STORED:SERVER:extra     | SCRAM verifier: not of the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$0:SALT$STORED:SERVER              | SCRAM verifier: iteration count must be at least 1",
        "SCRAM-SHA-256$4294967296:SALT$STORED:SERVER     | SCRAM verifier: iteration count out of range",
        "SCRAM-SHA-256$4096:$STORED:SERVER               | SCRAM verifier: salt must not be empty",
        "SCRAM-SHA-256$4096:@@@@$STORED:SERVER           | SCRAM verifier: salt is not valid base64",
        "SCRAM-SHA-256$4096:SALT$STORED:AAAA             | SCRAM verifier: keys must be 32 bytes",
        "SCRAM-SHA-256$4096:SALT$STORED*:SERVER          | SCRAM verifier: StoredKey is not valid base64",
        "SCRAM-SHA-256$4096:SALT$STORED:SERVER*          | SCRAM verifier: ServerKey is not valid base64",
    })
    void rejectsMalformedWithoutEchoingSecrets(String template, String expectedMessage) {
        String text = template.replace("SALT", "j0iwm0RzBzEFxSCt79RgvA==").replace("STORED", STORED)
                .replace("SERVER", SERVER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScramVerifier.parse(text));
        assertEquals(expectedMessage, e.getMessage());
        assertEquals(null, e.getCause());
    }

    @Test
    void rejectsNull() {
        assertEquals("SCRAM verifier: missing",
                assertThrows(IllegalArgumentException.class, () -> ScramVerifier.parse(null)).getMessage());
    }

    @Test
    void fromPasswordRejectsBadParameters() {
        assertEquals("SCRAM verifier: salt must not be empty", assertThrows(IllegalArgumentException.class,
                () -> ScramVerifier.fromPassword("x", new byte[0], 4096)).getMessage());
        assertEquals("iteration count must be at least 1", assertThrows(IllegalArgumentException.class,
                () -> ScramVerifier.fromPassword("x", new byte[] {1}, 0)).getMessage());
        assertFalse(ScramVerifier.fromPassword("x", new byte[] {1}, 1).equals(null));
    }
}
