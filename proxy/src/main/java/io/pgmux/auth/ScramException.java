package io.pgmux.auth;

/**
 * A SCRAM exchange failed.
 *
 * <p>The two failure kinds map to different PostgreSQL errors, so callers must be able to tell
 * them apart: a wrong password becomes {@code 28P01 password authentication failed for user "x"},
 * anything else (malformed message, nonce or channel-binding mismatch, unsupported feature)
 * becomes {@code 08P01} protocol violation.
 *
 * <p>Messages describe what was wrong in the exchange, never the secret material involved
 * (passwords, keys, proofs, signatures), because they end up in logs and error responses.
 */
public final class ScramException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Decides between 28P01 and 08P01 for the caller. */
    private final boolean passwordMismatch;

    private ScramException(String message, boolean passwordMismatch) {
        super(message);
        this.passwordMismatch = passwordMismatch;
    }

    /** The peer proved knowledge of a different password than the one we expect. */
    static ScramException passwordMismatch(String message) {
        return new ScramException(message, true);
    }

    /** The peer did not follow the protocol (or used a feature we do not support). */
    static ScramException protocol(String message) {
        return new ScramException(message, false);
    }

    /**
     * Whether the exchange was well formed but the password was wrong.
     *
     * @return {@code true} for a wrong password (28P01), {@code false} for a protocol violation (08P01)
     */
    public boolean isPasswordMismatch() {
        return passwordMismatch;
    }
}
