package io.pgmux.auth;

import static io.pgmux.auth.ScramTestSupport.b64;
import static io.pgmux.auth.ScramTestSupport.bytes;
import static io.pgmux.auth.ScramTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.ScramVerifier;
import org.junit.jupiter.api.Test;

/** The SCRAM-SHA-256 example exchange of RFC 7677 §3, reproduced byte for byte by both sides. */
class ScramRfc7677VectorTest {

    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final byte[] SALT = b64("W22ZaJ0SNY7soEsUEjb6gQ==");

    private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    /** Computed independently with Python's hashlib.pbkdf2_hmac/hmac for "pencil" and the RFC salt. */
    private static final String PENCIL_VERIFIER = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ=="
            + "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
    private static final String PENCIL_CLIENT_KEY = "pg/JI9Z+hkSpLRa5btpe9GVrDHJcSEN0viVTVXaZbos=";

    @Test
    void verifierForPencilMatchesIndependentComputation() {
        assertEquals(PENCIL_VERIFIER, ScramVerifiers.fromPassword("pencil", SALT, 4096).encode());
    }

    @Test
    void clientReproducesRfcMessages() throws Exception {
        ScramClientSession client = new ScramClientSession("pencil", "user", CLIENT_NONCE, new SaltedPasswordCache(4));
        assertEquals(CLIENT_FIRST, text(client.clientFirstMessage()));
        assertEquals(CLIENT_FINAL, text(client.handleServerFirst(bytes(SERVER_FIRST))));
        client.verifyServerFinal(bytes(SERVER_FINAL));
        assertTrue(client.isSucceeded());
    }

    @Test
    void serverReproducesRfcMessages() throws Exception {
        ScramServerSession server = new ScramServerSession(ScramVerifier.parse(PENCIL_VERIFIER), SERVER_NONCE);
        assertEquals(SERVER_FIRST, text(server.handleClientFirst(bytes(CLIENT_FIRST))));
        assertEquals(SERVER_FINAL, text(server.handleClientFinal(bytes(CLIENT_FINAL))));
        assertTrue(server.isSucceeded());
        assertArrayEquals(b64(PENCIL_CLIENT_KEY), server.clientKey());
    }
}
