package io.pgmux.protocol;

import java.util.Objects;

/**
 * An error or notice pgmux sends to a client itself, with PostgreSQL's fields.
 *
 * @param severity {@code ERROR}, {@code FATAL} or, for notices, {@code NOTICE}/{@code WARNING}
 * @param code     the SQLSTATE
 * @param message  the primary message, worded as PostgreSQL or PgBouncer word it
 * @param detail   optional detail, may be null
 * @param hint     optional hint, may be null
 */
public record PgError(String severity, String code, String message, String detail, String hint) {

    public PgError {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static PgError error(String code, String message) {
        return new PgError("ERROR", code, message, null, null);
    }

    public static PgError fatal(String code, String message) {
        return new PgError("FATAL", code, message, null, null);
    }

    public PgError withDetail(String newDetail) {
        return new PgError(severity, code, message, newDetail, hint);
    }

    public PgError withHint(String newHint) {
        return new PgError(severity, code, message, detail, newHint);
    }

    public PgError asFatal() {
        return new PgError("FATAL", code, message, detail, hint);
    }

    public boolean isFatal() {
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    @Override
    public String toString() {
        return severity + " " + code + " " + message + (detail == null ? "" : " (" + detail + ")");
    }
}
