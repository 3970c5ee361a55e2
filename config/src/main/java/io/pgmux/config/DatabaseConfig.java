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
 * @param replicaWeights the weight of each replica, in the order of {@code replicas} (default 1)
 * @param routing        read/write splitting to the replicas
 */
public record DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas,
                             SessionStatePolicy onSessionState, List<Integer> replicaWeights, RoutingConfig routing) {

    public static final SessionStatePolicy DEFAULT_ON_SESSION_STATE = SessionStatePolicy.PIN;

    /** Rejects nulls and copies the list. */
    public DatabaseConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(onSessionState, "onSessionState");
        Objects.requireNonNull(routing, "routing");
        replicas = List.copyOf(replicas);
        replicaWeights = List.copyOf(replicaWeights);
        if (replicaWeights.size() != replicas.size()) {
            throw new IllegalArgumentException("one weight per replica");
        }
    }

    /** A database with default weights and routing. */
    public DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas,
                          SessionStatePolicy onSessionState) {
        this(name, pool, primary, replicas, onSessionState, replicas.stream().map(r -> 1).toList(),
                RoutingConfig.defaults());
    }

    /** A database with the default session-state policy. */
    public DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas) {
        this(name, pool, primary, replicas, DEFAULT_ON_SESSION_STATE);
    }
}
