package io.pgmux.backend;

import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;

import java.net.ConnectException;

/** Why a server connection could not be opened, as the error a waiting client will see. */
public final class ServerLoginException extends Exception {
    private final transient PgError error;

    public ServerLoginException(PgError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public PgError error() {
        return error;
    }

    /** Wraps a connect-level failure (refused, timed out, unreachable) in PostgreSQL's wording. */
    public static ServerLoginException from(Throwable cause, ServerTarget target) {
        if (cause instanceof ServerLoginException e) {
            return e;
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof ConnectException && reason.contains(": ")) {
            reason = reason.substring(0, reason.indexOf(": ")); // Netty appends the address; we add it ourselves
        }
        return new ServerLoginException(PgError.fatal(SqlState.CONNECTION_FAILURE,
                "could not connect to server \"" + target.address() + "\": " + reason));
    }
}
