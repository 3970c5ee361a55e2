package io.pgmux.auth;

import static io.pgmux.auth.ScramTestSupport.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.ScramVerifier;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Secrets stored by a real PostgreSQL 15.18 (Debian 15.18-0+deb12u1), generated once in a
 * throwaway cluster (since removed) with:
 * <pre>
 * SET password_encryption='scram-sha-256';
 * CREATE ROLE t PASSWORD 'secret';
 * CREATE ROLE u2 PASSWORD E'pass\u00A0word\u00ADx';   -- NBSP and soft hyphen: SASLprep maps them
 * CREATE ROLE u3 PASSWORD E'I\u00ADX';
 * SET password_encryption='md5';
 * CREATE ROLE m PASSWORD 'secret';
 * SELECT rolname, rolpassword FROM pg_authid;
 * </pre>
 */
class PostgresGeneratedVectorsTest {

    private static final String T_SECRET = "SCRAM-SHA-256$4096:j0iwm0RzBzEFxSCt79RgvA==$"
            + "PoF70w8VWP5scjt77imOBHaR4GK+K3gKX2CEtbu1Jho=:7NERiID1djWoWL+crvEMWjKor9Zj4/qJfvlVTRlRMpQ=";
    private static final String U2_NBSP_SOFT_HYPHEN = "SCRAM-SHA-256$4096:vCwQQYIk6Wv7WffZn62MfA==$"
            + "gOE+AHzGB4V32IrXSMkZNpbNTwPt0scScJBgs0irwPA=:5t0BpJWteQ9o/TdpftGQy5wnPEfPXel88aMc2Ei86Lo=";
    private static final String U3_SOFT_HYPHEN = "SCRAM-SHA-256$4096:uQkGRh+f1CnbXYOvKoUDIQ==$"
            + "40tFZNRU9eW6P78YnF6G2NwhI2+MCePszP1MbTuzFMY=:kjsQnRAJSNB8tHuxNn+DoAGrDhvbaMSzkaJKv/67Rqs=";
    private static final String M_MD5 = "md5b52328d7451bfeace80c4b8c338106f9";

    /** Drives a full exchange: our client (with {@code password}) against our server (with {@code stored}). */
    private static ScramServerSession exchange(String stored, String password) throws ScramException {
        ScramServerSession server = new ScramServerSession(ScramVerifier.parse(stored), new SecureRandom());
        ScramClientSession client = new ScramClientSession(password, new SecureRandom(), new SaltedPasswordCache(4));
        byte[] serverFinal = server.handleClientFinal(client.handleServerFirst(server.handleClientFirst(client.clientFirstMessage())));
        client.verifyServerFinal(serverFinal);
        assertTrue(client.isSucceeded());
        return server;
    }

    @Test
    void postgresVerifierRoundTripsThroughParse() {
        ScramVerifier v = ScramVerifier.parse(T_SECRET);
        assertEquals(4096, v.iterations());
        assertEquals(T_SECRET, v.encode());
    }

    @Test
    void fromPasswordReproducesPostgresVerifier() {
        assertEquals(T_SECRET, ScramVerifiers.fromPassword("secret", b64("j0iwm0RzBzEFxSCt79RgvA=="), 4096).encode());
    }

    @Test
    void scramExchangeAcceptsTheRightPassword() throws Exception {
        ScramServerSession server = exchange(T_SECRET, "secret");
        assertTrue(server.isSucceeded());
        // Python hashlib, independently: HMAC(PBKDF2("secret", salt, 4096), "Client Key")
        assertArrayEquals(b64("xao2YZzHbyY6X5mXtl4ucgZ/4CyJhDT11a/La1AB6Gk="), server.clientKey());
    }

    @Test
    void scramExchangeRejectsAWrongPassword() {
        ScramException e = assertThrows(ScramException.class, () -> exchange(T_SECRET, "Secret"));
        assertTrue(e.isPasswordMismatch());
    }

    @Test
    void cleartextCheckAgainstPostgresVerifier() {
        assertTrue(PasswordCheck.matchesScram("secret", T_SECRET));
        assertFalse(PasswordCheck.matchesScram("secret ", T_SECRET));
        assertFalse(PasswordCheck.matchesScram("", T_SECRET));
    }

    @Test
    void saslPrepAgreesWithPostgres() throws Exception {
        assertTrue(PasswordCheck.matchesScram("pass\u00A0word\u00ADx", U2_NBSP_SOFT_HYPHEN));
        assertTrue(PasswordCheck.matchesScram("pass wordx", U2_NBSP_SOFT_HYPHEN));
        assertTrue(PasswordCheck.matchesScram("pass\u3000word\u200Dx", U2_NBSP_SOFT_HYPHEN));
        assertFalse(PasswordCheck.matchesScram("pass word x", U2_NBSP_SOFT_HYPHEN));
        assertTrue(PasswordCheck.matchesScram("I\u00ADX", U3_SOFT_HYPHEN));
        assertTrue(PasswordCheck.matchesScram("IX", U3_SOFT_HYPHEN));
        assertTrue(PasswordCheck.matchesScram("\u2168", U3_SOFT_HYPHEN), "NFKC maps ROMAN NUMERAL NINE to IX");
        assertTrue(exchange(U2_NBSP_SOFT_HYPHEN, "pass\u00A0word\u00ADx").isSucceeded());
    }

    @Test
    void md5HashMatchesPostgres() {
        assertEquals(M_MD5, Md5Auth.hash("secret", "m"));
        assertTrue(PasswordCheck.matchesMd5("secret", M_MD5, "m"));
        assertFalse(PasswordCheck.matchesMd5("secret", M_MD5, "t"));
        assertFalse(PasswordCheck.matchesMd5("secreT", M_MD5, "m"));
    }
}
