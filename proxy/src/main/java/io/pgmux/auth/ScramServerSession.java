package io.pgmux.auth;

import io.pgmux.config.ScramVerifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), as PostgreSQL runs it:
 * pgmux authenticating a client against a stored {@link ScramVerifier}.
 *
 * <p>PostgreSQL flavour: the user name in client-first-message is ignored (the startup message
 * names the role; libpq sends {@code n=}), authorization identities are refused, and there is no
 * channel binding. A client may send the {@code y} flag ("I could bind, but you did not offer
 * PLUS"), which is honest here because this session never advertises SCRAM-SHA-256-PLUS.
 *
 * <p>One instance per exchange, not thread-safe. Steps must come in protocol order, else
 * {@link IllegalStateException}; any failure leaves the session {@code FAILED} for good.
 */
public final class ScramServerSession {

    /** The SASL mechanism name to advertise in AuthenticationSASL. */
    public static final String MECHANISM = "SCRAM-SHA-256";

    /** PostgreSQL's SCRAM_RAW_NONCE_LEN: raw random bytes in the server's part of the nonce. */
    private static final int SERVER_NONCE_BYTES = 18;

    /** Where the exchange stands; {@link #next()} is the only place that defines transitions. */
    enum State {
        AWAITING_CLIENT_FIRST, AWAITING_CLIENT_FINAL, SUCCEEDED, FAILED;

        State next() {
            return switch (this) {
                case AWAITING_CLIENT_FIRST -> AWAITING_CLIENT_FINAL;
                case AWAITING_CLIENT_FINAL -> SUCCEEDED;
                case SUCCEEDED, FAILED -> throw new IllegalStateException("exchange already finished");
            };
        }
    }

    private final ScramVerifier verifier;
    private final String serverNonce;
    private State state = State.AWAITING_CLIENT_FIRST;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String combinedNonce;
    private byte[] clientKey;

    /**
     * @param verifier the role's stored verifier
     * @param random source of the server nonce
     */
    public ScramServerSession(ScramVerifier verifier, SecureRandom random) {
        this(verifier, ScramCrypto.randomNonce(random, SERVER_NONCE_BYTES));
    }

    /** Fixed server nonce, for reproducing published test vectors. */
    ScramServerSession(ScramVerifier verifier, String serverNonce) {
        this.verifier = verifier;
        this.serverNonce = serverNonce;
    }

    /**
     * Reads client-first-message (the SASLInitialResponse data) and answers server-first-message.
     *
     * @param clientFirstMessage e.g. {@code n,,n=,r=<client nonce>}
     * @return {@code r=<client nonce><server nonce>,s=<salt>,i=<iterations>}
     * @throws ScramException (never a password mismatch) if the message is malformed or asks for
     *     channel binding, an authorization identity or a mandatory extension
     */
    public byte[] handleClientFirst(byte[] clientFirstMessage) throws ScramException {
        begin(State.AWAITING_CLIENT_FIRST);
        String message = ScramMessageReader.decode(clientFirstMessage, "client-first-message");
        String bare = parseGs2Header(message);
        ScramMessageReader reader = new ScramMessageReader(bare);
        if (!reader.atEnd() && reader.peekName() == 'm') {
            throw ScramException.protocol("unsupported mandatory SCRAM extension in client-first-message");
        }
        reader.read('n'); // ignored, like PostgreSQL: the role comes from the startup message
        String clientNonce = reader.read('r');
        if (clientNonce.isEmpty() || !ScramMessageReader.isPrintable(clientNonce)) {
            throw ScramException.protocol("malformed SCRAM message: invalid client nonce");
        }
        skipExtensions(reader); // optional extensions we do not know may be ignored (RFC 5802 §5.1)
        clientFirstBare = bare;
        combinedNonce = clientNonce + serverNonce;
        serverFirst = "r=" + combinedNonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt())
                + ",i=" + verifier.iterations();
        finish(State.AWAITING_CLIENT_FIRST);
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads client-final-message (SASLResponse data), checks the proof and answers server-final-message.
     *
     * @param clientFinalMessage {@code c=<b64 gs2 header>,r=<nonce>,p=<proof>}
     * @return {@code v=<ServerSignature>}
     * @throws ScramException with {@link ScramException#isPasswordMismatch()} true if the proof is
     *     wrong, false if the message is malformed or the channel binding or nonce do not match
     */
    public byte[] handleClientFinal(byte[] clientFinalMessage) throws ScramException {
        begin(State.AWAITING_CLIENT_FINAL);
        String message = ScramMessageReader.decode(clientFinalMessage, "client-final-message");
        ScramMessageReader reader = new ScramMessageReader(message);
        String channelBinding = reader.read('c');
        // without channel binding c= carries just the GS2 header, so it must echo client-first's flag
        String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!channelBinding.equals(expectedBinding)) {
            throw ScramException.protocol("unexpected SCRAM channel-binding attribute in client-final-message");
        }
        if (!reader.read('r').equals(combinedNonce)) {
            throw ScramException.protocol("invalid SCRAM response: nonce does not match");
        }
        // extensions may sit between r= and p=, and are ignored; p= must be the last attribute
        while (!reader.atEnd() && reader.peekName() != 'p') {
            reader.read(reader.peekName());
        }
        if (reader.atEnd()) {
            throw ScramException.protocol("malformed SCRAM message: client-final-message has no proof");
        }
        int proofStart = reader.position();
        byte[] proof = ScramMessageReader.base64(reader.read('p'), "proof");
        if (proof.length != ScramCrypto.KEY_LENGTH) {
            throw ScramException.protocol("malformed SCRAM message: proof has the wrong length");
        }
        if (!reader.atEnd()) {
            throw ScramException.protocol("malformed SCRAM message: garbage after the proof");
        }
        String withoutProof = message.substring(0, proofStart - 1); // minus the comma before p=
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = verifier.storedKey();
        byte[] candidate = ScramCrypto.xor(proof, ScramCrypto.hmac(storedKey, authMessage));
        if (!MessageDigest.isEqual(ScramCrypto.sha256(candidate), storedKey)) {
            throw ScramException.passwordMismatch("SCRAM proof does not match the stored verifier");
        }
        clientKey = candidate;
        byte[] serverSignature = ScramCrypto.hmac(verifier.serverKey(), authMessage);
        finish(State.AWAITING_CLIENT_FINAL);
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The ClientKey the client proved it has, recovered from its proof. With it pgmux can later
     * authenticate to a PostgreSQL server that stores the same verifier, without the password.
     *
     * @return a copy of ClientKey
     * @throws IllegalStateException unless the exchange succeeded
     */
    public byte[] clientKey() {
        if (state != State.SUCCEEDED) {
            throw new IllegalStateException("clientKey() is only available after a successful exchange");
        }
        return clientKey.clone();
    }

    /** @return whether the client proved knowledge of the password */
    public boolean isSucceeded() {
        return state == State.SUCCEEDED;
    }

    /** Shows the state only: nonces are harmless but the keys and proof must never be printed. */
    @Override
    public String toString() {
        return "ScramServerSession[state=" + state + "]";
    }

    /** Validates and strips gs2-header: {@code (n|y),} then an empty authzid, then {@code ,}. */
    private String parseGs2Header(String message) throws ScramException {
        if (message.startsWith("p=")) {
            throw ScramException.protocol("channel binding not supported");
        }
        if (!message.startsWith("n,") && !message.startsWith("y,")) {
            throw ScramException.protocol("malformed SCRAM message: invalid GS2 channel-binding flag");
        }
        if (message.startsWith("a=", 2)) {
            throw ScramException.protocol("SCRAM authorization identity (a=) not supported");
        }
        if (!message.startsWith(",", 2)) {
            throw ScramException.protocol("malformed SCRAM message: invalid GS2 header");
        }
        gs2Header = message.substring(0, 3);
        return message.substring(3);
    }

    private static void skipExtensions(ScramMessageReader reader) throws ScramException {
        while (!reader.atEnd()) {
            reader.read(reader.peekName());
        }
    }

    /** Enters a step: checks the order, then assumes failure until {@link #finish} says otherwise. */
    private void begin(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM server step out of order: session is " + state);
        }
        state = State.FAILED;
    }

    private void finish(State completed) {
        state = completed.next();
    }
}
