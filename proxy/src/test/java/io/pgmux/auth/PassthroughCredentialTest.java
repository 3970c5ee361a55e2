package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.ScramVerifier;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Logging in to a server with the ClientKey a client's proof gave away, without the password. */
class PassthroughCredentialTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ScramVerifier VERIFIER = ScramVerifiers.fromPassword("s3cret", new byte[]{1, 2, 3, 4, 5, 6, 7, 8}, 4096);

    /** One exchange between a client session and a server session holding {@code verifier}. */
    private static ScramServerSession exchange(ScramClientSession client, ScramVerifier verifier) throws ScramException {
        ScramServerSession server = new ScramServerSession(verifier, RANDOM);
        byte[] serverFirst = server.handleClientFirst(client.clientFirstMessage());
        byte[] serverFinal = server.handleClientFinal(client.handleServerFirst(serverFirst));
        client.verifyServerFinal(serverFinal);
        return server;
    }

    @Test
    void theRecoveredClientKeyLogsInLikeThePassword() throws ScramException {
        ScramServerSession first = exchange(new ScramClientSession("s3cret", RANDOM), VERIFIER);
        PassthroughCredential credential = new PassthroughCredential();
        assertNull(credential.scramSession(RANDOM));
        credential.scram(first.clientKey(), VERIFIER.serverKey());
        assertTrue(credential.hasScram());
        ScramClientSession again = credential.scramSession(RANDOM);
        ScramServerSession server = exchange(again, VERIFIER);
        assertTrue(server.isSucceeded());
        assertTrue(again.isSucceeded());
    }

    @Test
    void aKeyForAnotherPasswordIsRejected() throws ScramException {
        ScramVerifier other = ScramVerifiers.fromPassword("changed", new byte[]{1, 2, 3, 4, 5, 6, 7, 8}, 4096);
        ScramServerSession first = exchange(new ScramClientSession("s3cret", RANDOM), VERIFIER);
        ScramClientSession session = ScramClientSession.withKeys(first.clientKey(), VERIFIER.serverKey(), RANDOM);
        ScramException e = assertThrows(ScramException.class, () -> exchange(session, other));
        assertTrue(e.isPasswordMismatch());
    }

    @Test
    void md5HashAndNothingPrinted() {
        PassthroughCredential credential = new PassthroughCredential();
        assertFalse(credential.hasScram());
        credential.md5("md5" + "a".repeat(32));
        assertEquals("md5" + "a".repeat(32), credential.md5Hash());
        assertFalse(credential.toString().contains("aaaa"));
    }
}
