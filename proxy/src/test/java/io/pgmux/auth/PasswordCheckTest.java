package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.ScramVerifier;
import org.junit.jupiter.api.Test;

/** Cleartext password checks against each kind of configured secret. */
class PasswordCheckTest {

    private static final String SCRAM = "SCRAM-SHA-256$4096:j0iwm0RzBzEFxSCt79RgvA==$"
            + "PoF70w8VWP5scjt77imOBHaR4GK+K3gKX2CEtbu1Jho=:7NERiID1djWoWL+crvEMWjKor9Zj4/qJfvlVTRlRMpQ=";

    @Test
    void plain() {
        assertTrue(PasswordCheck.matchesPlain("secret", "secret"));
        assertTrue(PasswordCheck.matchesPlain("", ""));
        assertTrue(PasswordCheck.matchesPlain("p\u00E4ss", "p\u00E4ss"));
        assertFalse(PasswordCheck.matchesPlain("secret", "secreT"));
        assertFalse(PasswordCheck.matchesPlain("secret", "secret2"));
        assertFalse(PasswordCheck.matchesPlain("", "secret"));
        // plain passwords are compared as given: no SASLprep, like PostgreSQL's plain comparison
        assertFalse(PasswordCheck.matchesPlain("pass\u00A0word", "pass word"));
    }

    @Test
    void md5() {
        assertTrue(PasswordCheck.matchesMd5("secret", "md5b52328d7451bfeace80c4b8c338106f9", "m"));
        assertFalse(PasswordCheck.matchesMd5("md5b52328d7451bfeace80c4b8c338106f9", "md5b52328d7451bfeace80c4b8c338106f9", "m"),
                "knowing the hash must not pass a cleartext check");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordCheck.matchesMd5("secret", "secret", "m"));
        assertEquals("not an md5 password hash (expected md5 + 32 lowercase hex digits)", e.getMessage());
    }

    @Test
    void scram() {
        ScramVerifier verifier = ScramVerifier.parse(SCRAM);
        assertTrue(PasswordCheck.matchesScram("secret", verifier));
        assertFalse(PasswordCheck.matchesScram("secrets", verifier));
        assertTrue(PasswordCheck.matchesScram("secret", SCRAM));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordCheck.matchesScram("secret", "secret"));
        assertEquals("malformed SCRAM-SHA-256 verifier; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
                e.getMessage());
    }
}
