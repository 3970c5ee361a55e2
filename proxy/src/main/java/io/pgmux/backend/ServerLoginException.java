package io.pgmux.backend;

import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;

import java.net.ConnectException;

/** Why a server connection could not be opened, as the error a waiting client will see. */
public final class ServerLoginException extends Exception {
    private static final java.util.regex.Pattern ERRNO = java.util.regex.Pattern.compile("error\\((-?\\d+)\\)");
    private final transient PgError error;

    public ServerLoginException(PgError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public PgError error() {
        return error;
    }

    /** The operating system's words for a failed connect, as libpq prints them. */
    static String reason(Throwable cause) {
        // the native transport reports "finishConnect(..) failed with error(-111)": name the errno
        java.util.regex.Matcher errno = ERRNO.matcher(String.valueOf(cause.getMessage()));
        if (errno.find()) {
            String known = switch (Math.abs(Integer.parseInt(errno.group(1)))) {
                case 111 -> "Connection refused";
                case 110 -> "Connection timed out";
                case 113 -> "No route to host";
                case 101 -> "Network is unreachable";
                case 104 -> "Connection reset by peer";
                default -> null;
            };
            if (known != null) {
                return known;
            }
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof ConnectException && reason.contains(": ")) {
            reason = reason.substring(0, reason.indexOf(": ")); // Netty appends the address; we add it ourselves
        }
        return reason;
    }

    /** Wraps a connect-level failure (refused, timed out, unreachable) in PostgreSQL's wording. */
    public static ServerLoginException from(Throwable cause, ServerTarget target) {
        if (cause instanceof ServerLoginException e) {
            return e;
        }
        String reason = reason(cause);
        return new ServerLoginException(PgError.fatal(SqlState.CONNECTION_FAILURE,
                "could not connect to server \"" + target.address() + "\": " + reason));
    }
}
