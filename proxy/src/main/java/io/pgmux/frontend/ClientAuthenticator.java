package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.auth.Md5Auth;
import io.pgmux.auth.PassthroughCredential;
import io.pgmux.auth.PasswordCheck;
import io.pgmux.auth.ScramException;
import io.pgmux.auth.ScramServerSession;
import io.pgmux.auth.ScramVerifiers;
import io.pgmux.config.AuthMethod;
import io.pgmux.config.ScramVerifier;
import io.pgmux.config.Secret;
import io.pgmux.config.UserConfig;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.Wire;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates one client against the users in the configuration: SCRAM-SHA-256, md5, cleartext
 * password, trust or its TLS certificate. Like PostgreSQL, an unknown user goes through a SCRAM exchange against a
 * made-up verifier and fails with the same message as a wrong password, so user names cannot be
 * probed. A plain password in the config is turned into a SCRAM verifier once and cached.
 */
final class ClientAuthenticator {
    private enum State { START, SASL_INITIAL, SASL_FINAL, MD5, CLEARTEXT, DONE }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ITERATIONS = 4096;
    private static final Map<String, ScramVerifier> VERIFIERS = new ConcurrentHashMap<>();
    private static final ScramVerifier MOCK = ScramVerifiers.fromPassword(randomString(), salt(16), ITERATIONS);

    private final String userName;
    private final UserConfig user;
    /** The common name of the client's verified TLS certificate, or null without one. */
    private final String certificateName;
    private final ByteBufAllocator alloc;
    private State state = State.START;
    private ScramServerSession scram;
    private ScramVerifier scramVerifier;
    private byte[] md5Salt;

    /**
     * @param user            the configured user, or null when the name is unknown
     * @param certificateName the common name of the client's verified certificate, or null
     */
    ClientAuthenticator(String userName, UserConfig user, String certificateName, ByteBufAllocator alloc) {
        this.userName = userName;
        this.user = user;
        this.certificateName = certificateName;
        this.alloc = alloc;
    }

    /** The first step: a request for credentials, or success for trust. */
    AuthStep start() {
        AuthMethod method = user == null ? AuthMethod.SCRAM_SHA_256 : user.auth();
        Secret secret = user == null ? null : user.password();
        if (method == AuthMethod.MD5 && secret != null && secret.kind() == Secret.Kind.SCRAM_SHA_256) {
            method = AuthMethod.SCRAM_SHA_256; // PostgreSQL does the same: an md5 entry with a SCRAM secret uses SCRAM
        }
        switch (method) {
            case TRUST -> {
                state = State.DONE;
                return new AuthStep.Success(null);
            }
            case CERT -> {
                state = State.DONE;
                return certificate();
            }
            case SCRAM_SHA_256 -> {
                scramVerifier = verifier();
                scram = new ScramServerSession(scramVerifier, RANDOM);
                state = State.SASL_INITIAL;
                return new AuthStep.Challenge(BackendMessages.authenticationSasl(alloc, List.of(ScramServerSession.MECHANISM)));
            }
            case MD5 -> {
                md5Salt = salt(4);
                state = State.MD5;
                return new AuthStep.Challenge(BackendMessages.authenticationMd5(alloc, md5Salt));
            }
            default -> {
                state = State.CLEARTEXT;
                return new AuthStep.Challenge(BackendMessages.authentication(alloc, BackendMessages.AUTH_CLEARTEXT));
            }
        }
    }

    /** A PasswordMessage ('p') from the client: {@code buf[offset, offset+length)} including the header. */
    AuthStep onPasswordMessage(ByteBuf buf, int offset, int length) {
        int body = offset + 5;
        int end = offset + length;
        return switch (state) {
            case SASL_INITIAL -> saslInitial(buf, body, end);
            case SASL_FINAL -> saslFinal(bytes(buf, body, end - body));
            case MD5 -> password(buf, body, end, true);
            case CLEARTEXT -> password(buf, body, end, false);
            default -> new AuthStep.Failure(PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                    "unexpected password message"));
        };
    }

    private AuthStep saslInitial(ByteBuf buf, int pos, int end) {
        int nul = Wire.cStringEnd(buf, pos, end);
        if (nul < 0 || nul + 5 > end) {
            return malformed();
        }
        String mechanism = buf.toString(pos, nul - pos, StandardCharsets.UTF_8);
        if (!ScramServerSession.MECHANISM.equals(mechanism)) {
            return new AuthStep.Failure(PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                    "client selected an invalid SASL authentication mechanism"));
        }
        int len = buf.getInt(nul + 1);
        if (len < 0 || nul + 5 + len != end) {
            return malformed();
        }
        try {
            byte[] serverFirst = scram.handleClientFirst(bytes(buf, nul + 5, len));
            state = State.SASL_FINAL;
            return new AuthStep.Challenge(BackendMessages.authenticationSaslData(alloc,
                    BackendMessages.AUTH_SASL_CONTINUE, serverFirst));
        } catch (ScramException e) {
            return scramFailure(e);
        }
    }

    private AuthStep saslFinal(byte[] clientFinal) {
        try {
            byte[] serverFinal = scram.handleClientFinal(clientFinal);
            if (user == null) {
                return passwordFailed(); // the mock verifier can never match; belt and braces
            }
            state = State.DONE;
            return new AuthStep.Success(BackendMessages.authenticationSaslData(alloc,
                    BackendMessages.AUTH_SASL_FINAL, serverFinal));
        } catch (ScramException e) {
            return scramFailure(e);
        }
    }

    private AuthStep password(ByteBuf buf, int pos, int end, boolean md5) {
        int nul = Wire.cStringEnd(buf, pos, end);
        if (nul < 0) {
            return malformed();
        }
        String given = buf.toString(pos, nul - pos, StandardCharsets.UTF_8);
        if (given.isEmpty()) {
            return new AuthStep.Failure(PgError.fatal(SqlState.INVALID_PASSWORD, "empty password returned by client"));
        }
        if (user == null || user.password() == null) {
            return passwordFailed();
        }
        Secret secret = user.password();
        boolean ok;
        if (md5) {
            String stored = secret.kind() == Secret.Kind.MD5 ? secret.value() : Md5Auth.hash(secret.value(), userName);
            ok = Md5Auth.verify(stored, md5Salt, given.getBytes(StandardCharsets.UTF_8));
        } else {
            ok = switch (secret.kind()) {
                case PLAIN -> PasswordCheck.matchesPlain(given, secret.value());
                case MD5 -> PasswordCheck.matchesMd5(given, secret.value(), userName);
                case SCRAM_SHA_256 -> PasswordCheck.matchesScram(given, secret.value());
            };
        }
        if (!ok) {
            return passwordFailed();
        }
        state = State.DONE;
        return new AuthStep.Success(null);
    }

    /**
     * After a successful login of a user whose password pgmux does not hold (a SCRAM verifier or
     * an MD5 hash): leaves in {@code credential} what lets pgmux log in to the servers as that user,
     * the ClientKey recovered from the client's proof or the MD5 hash.
     */
    void recordPassthrough(PassthroughCredential credential) {
        if (credential == null || state != State.DONE || user == null || user.password() == null
                || user.password().kind() == Secret.Kind.PLAIN) {
            return;
        }
        if (scram != null && scram.isSucceeded()) {
            byte[] clientKey = scram.clientKey();
            credential.scram(clientKey, scramVerifier.serverKey());
            java.util.Arrays.fill(clientKey, (byte) 0);
        } else if (scram == null && user.password().kind() == Secret.Kind.MD5) {
            credential.md5(user.password().value());
        }
    }

    /**
     * {@code cert}: the verified certificate's common name must be the user name, as PostgreSQL
     * checks it (no user name maps); its wording, 28000 for both refusals.
     */
    private AuthStep certificate() {
        if (certificateName == null) {
            return new AuthStep.Failure(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "connection requires a valid client certificate"));
        }
        if (!certificateName.equals(userName)) {
            return new AuthStep.Failure(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "certificate authentication failed for user \"" + userName + "\""));
        }
        return new AuthStep.Success(null);
    }

    private AuthStep scramFailure(ScramException e) {
        return e.isPasswordMismatch() ? passwordFailed() : malformed();
    }

    private AuthStep passwordFailed() {
        state = State.DONE;
        return new AuthStep.Failure(PgError.fatal(SqlState.INVALID_PASSWORD,
                "password authentication failed for user \"" + userName + "\""));
    }

    private AuthStep malformed() {
        state = State.DONE;
        return new AuthStep.Failure(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "malformed SCRAM message"));
    }

    private ScramVerifier verifier() {
        if (user == null || user.password() == null) {
            return MOCK;
        }
        Secret secret = user.password();
        return switch (secret.kind()) {
            case SCRAM_SHA_256 -> VERIFIERS.computeIfAbsent(secret.value(), ScramVerifier::parse);
            case PLAIN -> VERIFIERS.computeIfAbsent("plain\0" + userName + "\0" + secret.value(),
                    k -> ScramVerifiers.fromPassword(secret.value(), salt(16), ITERATIONS));
            // an md5 hash cannot drive SCRAM; config validation rejects it, so this is unreachable
            case MD5 -> MOCK;
        };
    }

    private static byte[] bytes(ByteBuf buf, int from, int length) {
        byte[] b = new byte[length];
        buf.getBytes(from, b);
        return b;
    }

    private static byte[] salt(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String randomString() {
        return java.util.HexFormat.of().formatHex(salt(16));
    }
}
