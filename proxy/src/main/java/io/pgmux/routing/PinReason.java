package io.pgmux.routing;

/** Kinds of session state that keep a client on its server connection in transaction mode. */
public enum PinReason {
    /** SET (or set_config(..., false)) of a setting pgmux does not track and replay. */
    SET,
    /** A session-level advisory lock: pg_advisory_lock and friends. */
    ADVISORY_LOCK,
    /** LISTEN: notifications arrive on that connection only. */
    LISTEN,
    /** A temporary table, view or sequence. */
    TEMP_TABLE,
    /** A cursor declared WITH HOLD, which outlives its transaction. */
    HOLD_CURSOR,
    /** A statement prepared with SQL PREPARE. */
    PREPARE
}
