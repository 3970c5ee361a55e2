package io.pgmux.auth;

import static io.pgmux.auth.ScramTestSupport.bytes;
import static io.pgmux.auth.ScramTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PostgreSQL md5: stored hash, wire response, verification. */
class Md5AuthTest {

    /** Stored by PostgreSQL 15 for role m, password 'secret' (see PostgresGeneratedVectorsTest). */
    private static final String STORED = "md5b52328d7451bfeace80c4b8c338106f9";
    private static final byte[] SALT = {0x01, 0x02, (byte) 0xFE, (byte) 0xFF};
    /** Python: "md5" + md5(b"b52328d7451bfeace80c4b8c338106f9" + bytes([1, 2, 0xfe, 0xff])).hexdigest(). */
    private static final String RESPONSE = "md56ee5e0d8d48fe460e07e708670db369e";

    @Test
    void hashIsMd5OfPasswordThenUser() {
        assertEquals(STORED, Md5Auth.hash("secret", "m"));
    }

    @Test
    void responseSaltsTheHexOfTheStoredHash() {
        assertEquals(RESPONSE, text(Md5Auth.response(STORED, SALT)));
        assertEquals(RESPONSE, text(Md5Auth.responseFromPassword("secret", "m", SALT)));
    }

    @Test
    void verifyAcceptsOnlyTheExactResponse() {
        assertTrue(Md5Auth.verify(STORED, SALT, bytes(RESPONSE)));
        assertFalse(Md5Auth.verify(STORED, SALT, bytes(RESPONSE.toUpperCase())));
        assertFalse(Md5Auth.verify(STORED, SALT, bytes(RESPONSE + "\0")));
        assertFalse(Md5Auth.verify(STORED, new byte[] {1, 2, 3, 4}, bytes(RESPONSE)));
        assertFalse(Md5Auth.verify(STORED, SALT, bytes(STORED)), "the stored hash itself is not a response");
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret", "md5", "md5B52328D7451BFEACE80C4B8C338106F9", "md5b52328d7451bfeace80c4b8c338106f",
        "md5b52328d7451bfeace80c4b8c338106f9a", "MD5b52328d7451bfeace80c4b8c338106f9", "md5b52328d7451bfeace80c4b8c338106fg"})
    void malformedStoredHashIsRejectedWithoutEcho(String stored) {
        assertFalse(Md5Auth.isStoredHash(stored));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Md5Auth.response(stored, SALT));
        assertEquals("not an md5 password hash (expected md5 + 32 lowercase hex digits)", e.getMessage());
    }

    @Test
    void saltMustBeFourBytes() {
        assertEquals("md5 salt must be 4 bytes", assertThrows(IllegalArgumentException.class,
                () -> Md5Auth.response(STORED, new byte[3])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Md5Auth.verify(STORED, new byte[5], bytes(RESPONSE)));
    }

    @Test
    void recognisesStoredHash() {
        assertTrue(Md5Auth.isStoredHash(STORED));
        assertFalse(Md5Auth.isStoredHash(null));
    }
}
