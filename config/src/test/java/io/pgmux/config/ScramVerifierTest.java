package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing, encoding and secret hygiene of {@link ScramVerifier}. */
class ScramVerifierTest {

    private static final String STORED = "PoF70w8VWP5scjt77imOBHaR4GK+K3gKX2CEtbu1Jho=";
    private static final String SERVER = "7NERiID1djWoWL+crvEMWjKor9Zj4/qJfvlVTRlRMpQ=";
    private static final String TEXT = "SCRAM-SHA-256$4096:j0iwm0RzBzEFxSCt79RgvA==$" + STORED + ":" + SERVER;

    @Test
    void parsesAndEncodesPostgresFormat() {
        ScramVerifier v = ScramVerifier.parse(TEXT);
        assertEquals(4096, v.iterations());
        assertArrayEquals(Base64.getDecoder().decode("j0iwm0RzBzEFxSCt79RgvA=="), v.salt());
        assertArrayEquals(Base64.getDecoder().decode(STORED), v.storedKey());
        assertArrayEquals(Base64.getDecoder().decode(SERVER), v.serverKey());
        assertEquals(TEXT, v.encode());
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
        "md5b52328d7451bfeace80c4b8c338106f9             | malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$4096:j0iwm0RzBzEFxSCt79RgvA==     | malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$x:SALT$STORED:SERVER              | malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$-1:SALT$STORED:SERVER             | malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "scram-sha-256$4096:SALT$STORED:SERVER           | malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$4096:SALT$STORED:SERVER:extra     | malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
        "SCRAM-SHA-256$0:SALT$STORED:SERVER              | malformed SCRAM-SHA-256 verifier: iteration count must be at least 1",
        "SCRAM-SHA-256$4294967296:SALT$STORED:SERVER     | malformed SCRAM-SHA-256 verifier: iteration count out of range",
        "SCRAM-SHA-256$4096:$STORED:SERVER               | malformed SCRAM-SHA-256 verifier: salt must not be empty",
        "SCRAM-SHA-256$4096:@@@@$STORED:SERVER           | malformed SCRAM-SHA-256 verifier: salt is not valid base64",
        "SCRAM-SHA-256$4096:SALT$STORED:AAAA             | malformed SCRAM-SHA-256 verifier: keys must be 32 bytes",
        "SCRAM-SHA-256$4096:SALT$STORED*:SERVER          | malformed SCRAM-SHA-256 verifier: StoredKey is not valid base64",
        "SCRAM-SHA-256$4096:SALT$STORED:SERVER*          | malformed SCRAM-SHA-256 verifier: ServerKey is not valid base64",
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
        assertEquals("malformed SCRAM-SHA-256 verifier: missing",
                assertThrows(IllegalArgumentException.class, () -> ScramVerifier.parse(null)).getMessage());
    }

}
