package io.pgmux.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The client side of one SCRAM-SHA-256 exchange: pgmux authenticating to PostgreSQL with a
 * password, the way libpq does it (empty user name, since the server takes the role from the
 * startup message; no channel binding).
 *
 * <p>The server is not trusted until it has proved it knows the verifier: its nonce, salt and
 * iteration count are validated (the count is capped at {@link #MAX_ITERATIONS} so that a hostile
 * server cannot make us burn CPU), and {@link #verifyServerFinal} must succeed before the
 * connection is used. SaltedPassword comes from a {@link SaltedPasswordCache}.
 *
 * <p>One instance per exchange, not thread-safe. Steps must come in protocol order, else
 * {@link IllegalStateException}; any failure leaves the session {@code FAILED} for good.
 */
public final class ScramClientSession {

    /** The highest iteration count accepted from a server (PostgreSQL's default is 4096). */
    public static final int MAX_ITERATIONS = 10_000_000;

    /** Raw random bytes in our nonce: more than PostgreSQL's 18, per this project's spec. */
    private static final int CLIENT_NONCE_BYTES = 24;

    /** No channel binding, no authorization identity. */
    private static final String GS2_HEADER = "n,,";

    /** Where the exchange stands; {@link #next()} is the only place that defines transitions. */
    enum State {
        INITIAL, AWAITING_SERVER_FIRST, AWAITING_SERVER_FINAL, SUCCEEDED, FAILED;

        State next() {
            return switch (this) {
                case INITIAL -> AWAITING_SERVER_FIRST;
                case AWAITING_SERVER_FIRST -> AWAITING_SERVER_FINAL;
                case AWAITING_SERVER_FINAL -> SUCCEEDED;
                case SUCCEEDED, FAILED -> throw new IllegalStateException("exchange already finished");
            };
        }
    }

    private final String password;
    /** Instead of the password: ClientKey and ServerKey (a login with what a client's proof gave away). */
    private final byte[] knownClientKey;
    private final byte[] knownServerKey;
    private final SaltedPasswordCache cache;
    private final String clientNonce;
    private final String clientFirstBare;
    private State state = State.INITIAL;
    private byte[] expectedServerSignature;

    /**
     * Uses {@link SaltedPasswordCache#shared()}.
     *
     * @param password the role's password (SASLprep'd before use)
     * @param random source of the client nonce
     */
    public ScramClientSession(String password, SecureRandom random) {
        this(password, random, SaltedPasswordCache.shared());
    }

    /**
     * @param password the role's password (SASLprep'd before use)
     * @param random source of the client nonce
     * @param cache where SaltedPassword is looked up
     */
    public ScramClientSession(String password, SecureRandom random, SaltedPasswordCache cache) {
        this(password, "", ScramCrypto.randomNonce(random, CLIENT_NONCE_BYTES), cache);
    }

    /** Fixed user name and nonce, for reproducing published test vectors. */
    ScramClientSession(String password, String username, String clientNonce, SaltedPasswordCache cache) {
        this(password, null, null, username, clientNonce, cache);
    }

    private ScramClientSession(String password, byte[] clientKey, byte[] serverKey, String username, String clientNonce,
                               SaltedPasswordCache cache) {
        this.password = password;
        this.knownClientKey = clientKey;
        this.knownServerKey = serverKey;
        this.cache = cache;
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + saslName(username) + ",r=" + clientNonce;
    }

    /**
     * A session that proves knowledge of {@code clientKey} instead of a password: it works only
     * with a server whose verifier has that StoredKey (= H(ClientKey)), and checks the server's
     * signature with {@code serverKey}.
     */
    public static ScramClientSession withKeys(byte[] clientKey, byte[] serverKey, SecureRandom random) {
        return new ScramClientSession(null, clientKey.clone(), serverKey.clone(), "",
                ScramCrypto.randomNonce(random, CLIENT_NONCE_BYTES), null);
    }

    /**
     * @return client-first-message, {@code n,,n=,r=<nonce>}, for SASLInitialResponse
     */
    public byte[] clientFirstMessage() {
        begin(State.INITIAL);
        finish(State.INITIAL);
        return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads server-first-message (AuthenticationSASLContinue data) and computes the proof.
     *
     * @param serverFirst {@code r=<nonce>,s=<salt>,i=<iterations>}
     * @return client-final-message, {@code c=biws,r=<nonce>,p=<proof>}
     * @throws ScramException if the nonce does not extend ours, the salt is empty or the iteration
     *     count is outside 1..{@link #MAX_ITERATIONS}, or the message is malformed
     */
    public byte[] handleServerFirst(byte[] serverFirst) throws ScramException {
        begin(State.AWAITING_SERVER_FIRST);
        String message = ScramMessageReader.decode(serverFirst, "server-first-message");
        ScramMessageReader reader = new ScramMessageReader(message);
        if (!reader.atEnd() && reader.peekName() == 'm') {
            throw ScramException.protocol("unsupported mandatory SCRAM extension in server-first-message");
        }
        String nonce = reader.read('r');
        // the server must echo our nonce and add its own part, or the exchange is not fresh
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()
                || !ScramMessageReader.isPrintable(nonce)) {
            throw ScramException.protocol("invalid SCRAM response: nonce mismatch");
        }
        byte[] salt = ScramMessageReader.base64(reader.read('s'), "salt");
        if (salt.length == 0) {
            throw ScramException.protocol("malformed SCRAM message: empty salt");
        }
        int iterations = parseIterations(reader.read('i'));
        if (!reader.atEnd()) {
            throw ScramException.protocol("malformed SCRAM message: garbage at end of server-first-message");
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
                + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + message + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientKey;
        if (knownClientKey != null) {
            // the server's salt and iterations must be the verifier's, else it rejects the proof
            clientKey = knownClientKey.clone();
            expectedServerSignature = ScramCrypto.hmac(knownServerKey, authMessage);
        } else {
            byte[] salted = cache.saltedPassword(password, salt, iterations);
            clientKey = ScramCrypto.clientKey(salted);
            expectedServerSignature = ScramCrypto.hmac(ScramCrypto.serverKey(salted), authMessage);
            Arrays.fill(salted, (byte) 0);
        }
        byte[] clientSignature = ScramCrypto.hmac(ScramCrypto.sha256(clientKey), authMessage);
        byte[] proof = ScramCrypto.xor(clientKey, clientSignature);
        Arrays.fill(clientKey, (byte) 0);
        finish(State.AWAITING_SERVER_FIRST);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks server-final-message (AuthenticationSASLFinal data): the server must prove it knows
     * the verifier, else we may be talking to an impostor that merely accepts anything.
     *
     * @param serverFinal {@code v=<ServerSignature>} or {@code e=<error>}
     * @throws ScramException on {@code e=} (a password mismatch for {@code e=invalid-proof}), a
     *     wrong signature, or a malformed message
     */
    public void verifyServerFinal(byte[] serverFinal) throws ScramException {
        begin(State.AWAITING_SERVER_FINAL);
        String message = ScramMessageReader.decode(serverFinal, "server-final-message");
        ScramMessageReader reader = new ScramMessageReader(message);
        if (!reader.atEnd() && reader.peekName() == 'e') {
            String error = reader.read('e');
            if (error.equals("invalid-proof")) {
                throw ScramException.passwordMismatch("server rejected the SCRAM proof (invalid-proof)");
            }
            throw ScramException.protocol("server reported a SCRAM error: " + printable(error));
        }
        byte[] signature = ScramMessageReader.base64(reader.read('v'), "server signature");
        if (!reader.atEnd()) {
            throw ScramException.protocol("malformed SCRAM message: garbage at end of server-final-message");
        }
        if (signature.length != ScramCrypto.KEY_LENGTH) {
            throw ScramException.protocol("malformed SCRAM message: server signature has the wrong length");
        }
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw ScramException.protocol("invalid SCRAM server signature: the server does not know the password");
        }
        finish(State.AWAITING_SERVER_FINAL);
    }

    /** @return whether the server has proved that it knows the password's verifier */
    public boolean isSucceeded() {
        return state == State.SUCCEEDED;
    }

    /** Shows the state only: the password, keys and signatures must never be printed. */
    @Override
    public String toString() {
        return "ScramClientSession[state=" + state + "]";
    }

    private static int parseIterations(String value) throws ScramException {
        // digits only (no sign, no spaces) and short enough that the long cannot overflow
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ScramException.protocol("malformed SCRAM message: invalid iteration count");
        }
        long iterations = Long.parseLong(value);
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw ScramException.protocol("SCRAM iteration count " + iterations + " outside 1.." + MAX_ITERATIONS);
        }
        return (int) iterations;
    }

    /** RFC 5802 saslname: ',' and '=' must be escaped. */
    private static String saslName(String username) {
        return username.replace("=", "=3D").replace(",", "=2C");
    }

    /** Server error values are echoed to logs: keep them to a bounded run of visible ASCII. */
    private static String printable(String value) {
        String visible = value.replaceAll("[^\\x20-\\x7E]", "?");
        return visible.length() > 64 ? visible.substring(0, 64) + "..." : visible;
    }

    private void begin(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM client step out of order: session is " + state);
        }
        state = State.FAILED; // assume failure until finish() says otherwise
    }

    private void finish(State completed) {
        state = completed.next();
    }
}
