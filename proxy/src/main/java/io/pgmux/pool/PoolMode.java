package io.pgmux.pool;

/** When a client gives its server connection back. */
public enum PoolMode {
    /** At disconnect, after the reset query. */
    SESSION,
    /** At every ReadyForQuery with status idle ('I') once nothing is pending. */
    TRANSACTION,
    /** Like transaction, and a multi-statement transaction is refused. */
    STATEMENT
}
