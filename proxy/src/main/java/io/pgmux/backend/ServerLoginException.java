package io.pgmux.backend;

import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;

import io.pgmux.resilience.FailureClassifier;
import io.pgmux.resilience.FailureKind;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.util.Optional;

/** Why a server connection could not be opened, as the error a waiting client will see. */
public final class ServerLoginException extends Exception {
    private static final java.util.regex.Pattern ERRNO = java.util.regex.Pattern.compile("error\\((-?\\d+)\\)");
    private final transient PgError error;
    /** TLS with the server failed or was refused: counts as {@link FailureKind#TLS}, whatever the SQLSTATE. */
    private final boolean tls;

    public ServerLoginException(PgError error) {
        this(error, false);
    }

    public ServerLoginException(PgError error, boolean tls) {
        super(error.message(), null, false, false);
        this.error = error;
        this.tls = tls;
    }

    /** A TLS failure: the server refused TLS that server_mode requires, or the handshake or its certificate failed. */
    static ServerLoginException tls(ServerTarget target, String reason) {
        return new ServerLoginException(PgError.fatal(SqlState.CONNECTION_FAILURE,
                "could not connect to server \"" + target.address() + "\": " + reason), true);
    }

    public PgError error() {
        return error;
    }

    public boolean isTls() {
        return tls;
    }

    /** How this failure counts against the server's breaker (a login failure), or empty when it does not. */
    public Optional<FailureKind> failureKind() {
        return tls ? Optional.of(FailureKind.TLS) : FailureClassifier.ofSqlState(error.code(), true);
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

    /**
     * libpq's words for a failed handshake: {@code SSL error: certificate verify failed: ...} when the
     * server's certificate was refused (the innermost cause says why: no path to a trusted CA, a
     * name that does not match), else {@code SSL error:} and the TLS stack's own message.
     */
    static String sslReason(Throwable error) {
        Throwable innermost = error;
        boolean certificate = false;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            certificate |= t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.GeneralSecurityException && !(t instanceof SSLException);
            if (t.getMessage() != null) {
                innermost = t;
            }
        }
        if (certificate) {
            return "SSL error: certificate verify failed: " + innermost.getMessage();
        }
        Throwable ssl = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                ssl = t;
                break;
            }
        }
        return "SSL error: " + ssl.getMessage();
    }

    /** Wraps a connect-level failure (refused, timed out, unreachable) in PostgreSQL's wording. */
    public static ServerLoginException from(Throwable cause, ServerTarget target) {
        if (cause instanceof ServerLoginException e) {
            return e;
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                // Netty wraps handshake failures in a DecoderException; the SSLException says why
                return tls(target, sslReason(t));
            }
        }
        String reason = reason(cause);
        return new ServerLoginException(PgError.fatal(SqlState.CONNECTION_FAILURE,
                "could not connect to server \"" + target.address() + "\": " + reason));
    }
}
