package io.pgmux.tls;

/**
 * A TLS file that cannot be used: missing, unreadable, not PEM, a key that does not fit. The
 * message names the file and never holds key material.
 */
public final class TlsSetupException extends RuntimeException {
    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
