package io.pgmux.auth;

import static io.pgmux.auth.ScramTestSupport.b64;
import static io.pgmux.auth.ScramTestSupport.bytes;
import static io.pgmux.auth.ScramTestSupport.referenceProof;
import static io.pgmux.auth.ScramTestSupport.referenceServerFinal;
import static io.pgmux.auth.ScramTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.ScramVerifier;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server session against the production client, a reference client and broken clients. */
class ScramServerSessionTest {

    private static final String PASSWORD = "correct horse";
    private static final byte[] SALT = b64("QSXCR+Q6sek8bf92");
    private static final ScramVerifier VERIFIER = ScramVerifiers.fromPassword(PASSWORD, SALT, 4096);
    private static final String SERVER_NONCE = "3rfcNHYJY1ZVvWVs7j";
    private static final String NONCE = "abc" + SERVER_NONCE;
    private static final String SERVER_FIRST = "r=" + NONCE + ",s=QSXCR+Q6sek8bf92,i=4096";

    private static final Pattern B64_32 = Pattern.compile("[A-Za-z0-9+/]{43}=");

    private static ScramServerSession fixedServer() {
        return new ScramServerSession(VERIFIER, SERVER_NONCE);
    }

    @Test
    void roundTripWithRandomNonces() throws Exception {
        ScramServerSession server = new ScramServerSession(VERIFIER, new SecureRandom());
        ScramClientSession client = new ScramClientSession(PASSWORD, new SecureRandom(), new SaltedPasswordCache(4));

        String clientFirst = text(client.clientFirstMessage());
        Matcher cf = Pattern.compile("n,,n=,r=([A-Za-z0-9+/]{32})").matcher(clientFirst);
        assertTrue(cf.matches(), clientFirst);
        String serverFirst = text(server.handleClientFirst(bytes(clientFirst)));
        Matcher sf = Pattern.compile("r=(" + Pattern.quote(cf.group(1)) + "[A-Za-z0-9+/]{24}),s=QSXCR\\+Q6sek8bf92,i=4096")
                .matcher(serverFirst);
        assertTrue(sf.matches(), serverFirst);
        String clientFinal = text(client.handleServerFirst(bytes(serverFirst)));
        String withoutProof = "c=biws,r=" + sf.group(1);
        assertEquals(withoutProof + ",p=" + referenceProof(PASSWORD, SALT, 4096, clientFirst.substring(3), serverFirst,
                withoutProof), clientFinal);
        String serverFinal = text(server.handleClientFinal(bytes(clientFinal)));
        assertEquals(referenceServerFinal(PASSWORD, SALT, 4096, clientFirst.substring(3), serverFirst, withoutProof),
                serverFinal);
        client.verifyServerFinal(bytes(serverFinal));

        assertTrue(server.isSucceeded());
        assertTrue(client.isSucceeded());
        assertArrayEquals(ScramTestSupport.jdkClientKey(PASSWORD, SALT, 4096), server.clientKey());
    }

    @Test
    void nonceIsFreshPerSession() throws Exception {
        SecureRandom random = new SecureRandom();
        String a = text(new ScramServerSession(VERIFIER, random).handleClientFirst(bytes("n,,n=,r=abc")));
        String b = text(new ScramServerSession(VERIFIER, random).handleClientFirst(bytes("n,,n=,r=abc")));
        assertNotEquals(a, b);
    }

    @Test
    void wrongPasswordIsAMismatch() throws Exception {
        ScramServerSession server = new ScramServerSession(VERIFIER, new SecureRandom());
        ScramClientSession client = new ScramClientSession("wrong horse", new SecureRandom(), new SaltedPasswordCache(4));
        byte[] clientFinal = client.handleServerFirst(server.handleClientFirst(client.clientFirstMessage()));

        ScramException e = assertThrows(ScramException.class, () -> server.handleClientFinal(clientFinal));
        assertTrue(e.isPasswordMismatch());
        assertEquals("SCRAM proof does not match the stored verifier", e.getMessage());
        assertFalse(server.isSucceeded());
        assertEquals("ScramServerSession[state=FAILED]", server.toString());
        assertThrows(IllegalStateException.class, server::clientKey);
        assertThrows(IllegalStateException.class, () -> server.handleClientFinal(clientFinal));
    }

    @Test
    void yFlagNeedsMatchingChannelBindingAttribute() throws Exception {
        ScramServerSession server = fixedServer();
        assertEquals(SERVER_FIRST, text(server.handleClientFirst(bytes("y,,n=,r=abc"))));
        String withoutProof = "c=eSws,r=" + NONCE;
        String proof = referenceProof(PASSWORD, SALT, 4096, "n=,r=abc", SERVER_FIRST, withoutProof);
        assertEquals(referenceServerFinal(PASSWORD, SALT, 4096, "n=,r=abc", SERVER_FIRST, withoutProof),
                text(server.handleClientFinal(bytes(withoutProof + ",p=" + proof))));

        ScramServerSession other = fixedServer();
        other.handleClientFirst(bytes("y,,n=,r=abc"));
        assertProtocolError("unexpected SCRAM channel-binding attribute in client-final-message",
                () -> other.handleClientFinal(bytes("c=biws,r=" + NONCE + ",p=" + proof)));
    }

    @Test
    void extensionsAreIgnoredButStayInTheAuthMessage() throws Exception {
        ScramServerSession server = fixedServer();
        assertEquals(SERVER_FIRST, text(server.handleClientFirst(bytes("n,,n=some=2Cuser,r=abc,x=ext"))));
        String withoutProof = "c=biws,r=" + NONCE + ",y=ext2";
        String proof = referenceProof(PASSWORD, SALT, 4096, "n=some=2Cuser,r=abc,x=ext", SERVER_FIRST, withoutProof);
        assertEquals(referenceServerFinal(PASSWORD, SALT, 4096, "n=some=2Cuser,r=abc,x=ext", SERVER_FIRST, withoutProof),
                text(server.handleClientFinal(bytes(withoutProof + ",p=" + proof))));
    }

    @Test
    void channelBindingRequestIsRejected() {
        assertProtocolError("channel binding not supported",
                () -> fixedServer().handleClientFirst(bytes("p=tls-server-end-point,,n=,r=abc")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"                  | malformed SCRAM message: invalid GS2 channel-binding flag",
        "x,,n=,r=abc         | malformed SCRAM message: invalid GS2 channel-binding flag",
        "n                   | malformed SCRAM message: invalid GS2 channel-binding flag",
        "n,                  | malformed SCRAM message: invalid GS2 header",
        "n,x,n=,r=abc        | malformed SCRAM message: invalid GS2 header",
        "n,a=bob,n=,r=abc    | SCRAM authorization identity (a=) not supported",
        "n,,m=ext,n=,r=abc   | unsupported mandatory SCRAM extension in client-first-message",
        "n,,r=abc            | malformed SCRAM message: expected attribute 'n'",
        "n,,n=               | malformed SCRAM message: expected attribute 'r'",
        "n,,n=,r=            | malformed SCRAM message: invalid client nonce",
        "n,,n=,r=a b         | malformed SCRAM message: invalid client nonce",
        "n,,n=,r=abc,        | malformed SCRAM message: trailing comma",
        "n,,n=,r=abc,junk    | malformed SCRAM message: expected an attribute",
    })
    void malformedClientFirstIsAProtocolError(String message, String expectedError) {
        ScramServerSession server = fixedServer();
        assertProtocolError(expectedError, () -> server.handleClientFirst(bytes(message)));
        assertEquals("ScramServerSession[state=FAILED]", server.toString());
    }

    @Test
    void nulIsAProtocolError() {
        assertProtocolError("malformed SCRAM message: client-first-message contains NUL",
                () -> fixedServer().handleClientFirst(bytes("n,,n=\0,r=abc")));
    }

    @Test
    void invalidUtf8IsAProtocolError() {
        byte[] message = {'n', ',', ',', 'n', '=', (byte) 0xC3, ',', 'r', '=', 'a'};
        assertProtocolError("malformed SCRAM message: client-first-message is not valid UTF-8",
                () -> fixedServer().handleClientFirst(message));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "c=biws,r=abc3rfcNHYJY1ZVvWVs7X,p=PROOF       | invalid SCRAM response: nonce does not match",
        "c=biws,r=abc,p=PROOF                         | invalid SCRAM response: nonce does not match",
        "c=eSws,r=NONCE,p=PROOF                       | unexpected SCRAM channel-binding attribute in client-final-message",
        "c=biws=,r=NONCE,p=PROOF                      | unexpected SCRAM channel-binding attribute in client-final-message",
        "r=NONCE,c=biws,p=PROOF                       | malformed SCRAM message: expected attribute 'c'",
        "c=biws,r=NONCE                               | malformed SCRAM message: client-final-message has no proof",
        "c=biws,r=NONCE,x=ext                         | malformed SCRAM message: client-final-message has no proof",
        "c=biws,r=NONCE,p=AAAA                        | malformed SCRAM message: proof has the wrong length",
        "c=biws,r=NONCE,p=!!!!                        | malformed SCRAM message: proof is not valid base64",
        "c=biws,r=NONCE,p=PROOF,x=1                   | malformed SCRAM message: garbage after the proof",
    })
    void malformedOrTamperedClientFinalIsAProtocolError(String template, String expectedError) throws Exception {
        ScramServerSession server = fixedServer();
        server.handleClientFirst(bytes("n,,n=,r=abc"));
        // a proof that would be right for the untampered message: only the tampering may fail the exchange
        String proof = referenceProof(PASSWORD, SALT, 4096, "n=,r=abc", SERVER_FIRST, "c=biws,r=" + NONCE);
        String message = template.replace("NONCE", NONCE).replace("PROOF", proof);
        assertProtocolError(expectedError, () -> server.handleClientFinal(bytes(message)));
    }

    @Test
    void stepsOutOfOrderAreIllegal() throws Exception {
        ScramServerSession server = fixedServer();
        assertThrows(IllegalStateException.class, () -> server.handleClientFinal(bytes("c=biws")));
        assertThrows(IllegalStateException.class, server::clientKey);
        server.handleClientFirst(bytes("n,,n=,r=abc"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> server.handleClientFirst(bytes("n,,n=,r=abc")));
        assertEquals("SCRAM server step out of order: session is AWAITING_CLIENT_FINAL", e.getMessage());
    }

    @Test
    void mechanismName() {
        assertEquals("SCRAM-SHA-256", ScramServerSession.MECHANISM);
    }

    static void assertProtocolError(String expectedMessage, org.junit.jupiter.api.function.Executable step) {
        ScramException e = assertThrows(ScramException.class, step);
        assertFalse(e.isPasswordMismatch(), "must be a protocol violation, not a password mismatch");
        assertEquals(expectedMessage, e.getMessage());
    }
}
