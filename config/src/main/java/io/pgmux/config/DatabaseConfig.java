package io.pgmux.config;

import java.util.List;
import java.util.Objects;

/**
 * A database clients can connect to ({@code databases:} entry).
 *
 * @param name     the database name clients send; the key of the entry
 * @param pool     pooling settings, with {@code pool_defaults} and built-in defaults filled in
 * @param primary  the read-write server
 * @param replicas read-only servers, possibly none
 * @param onSessionState what transaction pooling does about session state ({@code on_session_state})
 */
public record DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas,
                             SessionStatePolicy onSessionState) {

    public static final SessionStatePolicy DEFAULT_ON_SESSION_STATE = SessionStatePolicy.PIN;

    /** Rejects nulls and copies the list. */
    public DatabaseConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(onSessionState, "onSessionState");
        replicas = List.copyOf(replicas);
    }

    /** A database with the default session-state policy. */
    public DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas) {
        this(name, pool, primary, replicas, DEFAULT_ON_SESSION_STATE);
    }
}
