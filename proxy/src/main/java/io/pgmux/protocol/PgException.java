package io.pgmux.protocol;

/**
 * A failure that reaches a client as an ErrorResponse. Carries the error itself; cheap to throw
 * (no stack trace) because it is an expected outcome, not a bug.
 */
public class PgException extends RuntimeException {
    private final transient PgError error;

    public PgException(PgError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public PgError error() {
        return error;
    }
}
