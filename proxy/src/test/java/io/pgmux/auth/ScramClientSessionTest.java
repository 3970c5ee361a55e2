package io.pgmux.auth;

import static io.pgmux.auth.ScramServerSessionTest.assertProtocolError;
import static io.pgmux.auth.ScramTestSupport.b64;
import static io.pgmux.auth.ScramTestSupport.bytes;
import static io.pgmux.auth.ScramTestSupport.referenceProof;
import static io.pgmux.auth.ScramTestSupport.referenceServerFinal;
import static io.pgmux.auth.ScramTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client session against well-behaved, broken and hostile servers. */
class ScramClientSessionTest {

    private static final String PASSWORD = "s3cr3t";
    private static final String CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL";
    private static final String NONCE = CLIENT_NONCE + "3rfcNHYJY1ZVvWVs7j";
    private static final byte[] SALT = b64("QSXCR+Q6sek8bf92");
    private static final String SERVER_FIRST = "r=" + NONCE + ",s=QSXCR+Q6sek8bf92,i=4096";
    private static final String WITHOUT_PROOF = "c=biws,r=" + NONCE;

    private final SaltedPasswordCache cache = new SaltedPasswordCache(4);

    private ScramClientSession started() {
        ScramClientSession client = new ScramClientSession(PASSWORD, "", CLIENT_NONCE, cache);
        assertEquals("n,,n=,r=" + CLIENT_NONCE, text(client.clientFirstMessage()));
        return client;
    }

    private ScramClientSession awaitingFinal() throws Exception {
        ScramClientSession client = started();
        client.handleServerFirst(bytes(SERVER_FIRST));
        return client;
    }

    @Test
    void computesProofAndAcceptsServerSignature() throws Exception {
        ScramClientSession client = started();
        String proof = referenceProof(PASSWORD, SALT, 4096, "n=,r=" + CLIENT_NONCE, SERVER_FIRST, WITHOUT_PROOF);
        assertEquals(WITHOUT_PROOF + ",p=" + proof, text(client.handleServerFirst(bytes(SERVER_FIRST))));
        client.verifyServerFinal(bytes(
                referenceServerFinal(PASSWORD, SALT, 4096, "n=,r=" + CLIENT_NONCE, SERVER_FIRST, WITHOUT_PROOF)));
        assertTrue(client.isSucceeded());
        assertEquals("ScramClientSession[state=SUCCEEDED]", client.toString());
    }

    @Test
    void userNameIsEscapedAsSaslName() {
        ScramClientSession client = new ScramClientSession(PASSWORD, "a=b,c", "xyz", cache);
        assertEquals("n,,n=a=3Db=2Cc,r=xyz", text(client.clientFirstMessage()));
    }

    @Test
    void saltedPasswordIsCachedAcrossSessions() throws Exception {
        awaitingFinal();
        assertEquals(1, cache.size());
        assertEquals(1, cache.derivations());
        awaitingFinal();
        assertEquals(1, cache.derivations(), "second login with the same salt must reuse SaltedPassword");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "r=zzzz3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096           | invalid SCRAM response: nonce mismatch",
        "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096         | invalid SCRAM response: nonce mismatch",
        "r=fyko+d2lbbFgONRv9qkxdaw,s=QSXCR+Q6sek8bf92,i=4096          | invalid SCRAM response: nonce mismatch",
        "r=NONCE\u007F,s=QSXCR+Q6sek8bf92,i=4096                      | invalid SCRAM response: nonce mismatch",
        "r=NONCE,s=,i=4096                                            | malformed SCRAM message: empty salt",
        "r=NONCE,s=@@@@,i=4096                                        | malformed SCRAM message: salt is not valid base64",
        "r=NONCE,s=QSXCR+Q6sek8bf92,i=0                               | SCRAM iteration count 0 outside 1..10000000",
        "r=NONCE,s=QSXCR+Q6sek8bf92,i=10000001                        | SCRAM iteration count 10000001 outside 1..10000000",
        "r=NONCE,s=QSXCR+Q6sek8bf92,i=2147483648                      | SCRAM iteration count 2147483648 outside 1..10000000",
        "r=NONCE,s=QSXCR+Q6sek8bf92,i=99999999999999999999            | malformed SCRAM message: invalid iteration count",
        "r=NONCE,s=QSXCR+Q6sek8bf92,i=-1                              | malformed SCRAM message: invalid iteration count",
        "r=NONCE,s=QSXCR+Q6sek8bf92,i=                                | malformed SCRAM message: invalid iteration count",
        "r=NONCE,s=QSXCR+Q6sek8bf92,i=4096,x=ext                      | malformed SCRAM message: garbage at end of server-first-message",
        "r=NONCE,i=4096,s=QSXCR+Q6sek8bf92                            | malformed SCRAM message: expected attribute 's'",
        "m=ext,r=NONCE,s=QSXCR+Q6sek8bf92,i=4096                      | unsupported mandatory SCRAM extension in server-first-message",
        "e=other-error                                                | malformed SCRAM message: expected attribute 'r'",
        "\"\"                                                         | malformed SCRAM message: expected attribute 'r'",
    })
    void invalidServerFirstIsAProtocolError(String template, String expectedError) {
        ScramClientSession client = started();
        assertProtocolError(expectedError, () -> client.handleServerFirst(bytes(template.replace("NONCE", NONCE))));
        assertEquals(0, cache.derivations(), "no PBKDF2 work for a server that failed validation");
        assertEquals("ScramClientSession[state=FAILED]", client.toString());
    }

    @Test
    void serverReportedInvalidProofIsAMismatch() throws Exception {
        ScramClientSession client = awaitingFinal();
        ScramException e = assertThrows(ScramException.class, () -> client.verifyServerFinal(bytes("e=invalid-proof")));
        assertTrue(e.isPasswordMismatch());
        assertEquals("server rejected the SCRAM proof (invalid-proof)", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "e=other-error                                      | server reported a SCRAM error: other-error",
        "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=     | invalid SCRAM server signature: the server does not know the password",
        "v=AAAA                                             | malformed SCRAM message: server signature has the wrong length",
        "v=####                                             | malformed SCRAM message: server signature is not valid base64",
        "v=AAAA,x=1                                         | malformed SCRAM message: garbage at end of server-final-message",
        "x=1                                                | malformed SCRAM message: expected attribute 'v'",
    })
    void invalidServerFinalIsAProtocolError(String message, String expectedError) throws Exception {
        ScramClientSession client = awaitingFinal();
        assertProtocolError(expectedError, () -> client.verifyServerFinal(bytes(message)));
        assertFalse(client.isSucceeded());
    }

    @Test
    void stepsOutOfOrderAreIllegal() throws Exception {
        ScramClientSession client = new ScramClientSession(PASSWORD, "", CLIENT_NONCE, cache);
        assertThrows(IllegalStateException.class, () -> client.handleServerFirst(bytes(SERVER_FIRST)));
        assertThrows(IllegalStateException.class, () -> client.verifyServerFinal(bytes("v=AAAA")));
        client.clientFirstMessage();
        IllegalStateException e = assertThrows(IllegalStateException.class, client::clientFirstMessage);
        assertEquals("SCRAM client step out of order: session is AWAITING_SERVER_FIRST", e.getMessage());
    }

    @Test
    void failedSessionStaysFailed() throws Exception {
        ScramClientSession client = awaitingFinal();
        assertThrows(ScramException.class, () -> client.verifyServerFinal(bytes("v=AAAA")));
        assertThrows(IllegalStateException.class, () -> client.verifyServerFinal(bytes("v=AAAA")));
    }
}
