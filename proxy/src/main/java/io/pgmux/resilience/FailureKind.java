package io.pgmux.resilience;

/**
 * Why a call counted against a server. Only failures that are the server's doing (or the path to
 * it) have a kind; what a client's own SQL causes is reported with
 * {@link CircuitBreaker#onIgnored()} instead. {@link FailureClassifier} maps errors to kinds.
 */
public enum FailureKind {
    /** The TCP connect failed: refused, unreachable, unknown host. */
    CONNECT("connect failed"),
    /** A connect, login or response did not come within its time limit. */
    TIMEOUT("timed out"),
    /** The TLS handshake with the server failed (including its certificate). */
    TLS("TLS failed"),
    /** The server rejected pgmux's own login (password, role, database): no client can get in. */
    LOGIN("login rejected"),
    /** An established connection broke: reset, closed by the server without an error. */
    CONNECTION_LOST("connection lost"),
    /** The server answered with an error that says it cannot serve (shutdown, no slots, no resources). */
    SERVER_ERROR("server error");

    private final String label;

    FailureKind(String label) {
        this.label = label;
    }

    /** Words for logs and SHOW BREAKERS. */
    public String label() {
        return label;
    }
}
