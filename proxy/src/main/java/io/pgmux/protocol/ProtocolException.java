package io.pgmux.protocol;

/**
 * A peer broke the protocol (bad length, unexpected message). Logged once without a stack trace;
 * the connection gets the carried error and is closed.
 */
public final class ProtocolException extends PgException {

    public ProtocolException(PgError error) {
        super(error);
    }

    public static ProtocolException violation(String message) {
        return new ProtocolException(PgError.fatal(SqlState.PROTOCOL_VIOLATION, message));
    }
}
