package io.pgmux.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A database clients can connect to ({@code databases:} entry).
 *
 * <p>Every database is a list of {@link #shards() shards}, each a primary with replicas. A plain
 * database has exactly one, made of its {@code primary}, {@code replicas} and their weights; a sharded
 * one ({@code sharding:} and {@code shards:} in the file) has those it lists. In both cases
 * {@link #primary()}, {@link #replicas()} and {@link #replicaWeights()} are shard 0's, so code that
 * knows only one primary keeps working on a sharded database: it sees shard 0. Code that routes by
 * shard uses {@link #isSharded()}, {@link #sharding()} and {@link #shards()}.
 *
 * @param name     the database name clients send; the key of the entry
 * @param pool     pooling settings, with {@code pool_defaults} and built-in defaults filled in; each
 *                 server of each shard gets pools with these settings
 * @param primary  the read-write server (shard 0's primary when sharded)
 * @param replicas read-only servers, possibly none (shard 0's when sharded)
 * @param onSessionState what transaction pooling does about session state ({@code on_session_state})
 * @param replicaWeights the weight of each replica, in the order of {@code replicas} (default 1)
 * @param routing        read/write splitting to the replicas (of every shard)
 * @param sharding       how keys map to shards; empty for a database that is not sharded
 * @param shards         the shards, at least one; for a database that is not sharded, the one made of
 *                       {@code primary} and {@code replicas}
 * @param breaker        circuit breaker settings, with {@code breaker_defaults} and built-in defaults filled
 *                       in; each server of each shard gets a breaker of its own with these settings
 * @param maxClientConnections logged-in clients of this database at once; past it a login gets 53300;
 *                       0 = no limit
 */
public record DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas,
                             SessionStatePolicy onSessionState, List<Integer> replicaWeights, RoutingConfig routing,
                             Optional<ShardingConfig> sharding, List<ShardConfig> shards, BreakerConfig breaker,
                             int maxClientConnections) {

    public static final SessionStatePolicy DEFAULT_ON_SESSION_STATE = SessionStatePolicy.PIN;

    /**
     * Rejects nulls, copies the lists, and checks that {@code shards} agrees with the rest: one shard
     * equal to primary and replicas when not sharded, shard 0 equal to them when sharded. An empty
     * {@code shards} on a database that is not sharded is filled in.
     */
    public DatabaseConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(onSessionState, "onSessionState");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(sharding, "sharding");
        Objects.requireNonNull(breaker, "breaker");
        ShardConfig first = new ShardConfig(primary, replicas, replicaWeights);
        replicas = first.replicas();
        replicaWeights = first.replicaWeights();
        if (shards.isEmpty() && sharding.isEmpty()) {
            shards = List.of(first);
        }
        shards = List.copyOf(shards);
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("a sharded database needs at least one shard");
        }
        if (sharding.isEmpty() && shards.size() > 1) {
            throw new IllegalArgumentException("several shards need a sharding configuration");
        }
        if (!shards.get(0).equals(first)) {
            throw new IllegalArgumentException("primary and replicas must be those of shard 0");
        }
    }

    /** A database without a client connection limit. */
    public DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas,
                          SessionStatePolicy onSessionState, List<Integer> replicaWeights, RoutingConfig routing,
                          Optional<ShardingConfig> sharding, List<ShardConfig> shards, BreakerConfig breaker) {
        this(name, pool, primary, replicas, onSessionState, replicaWeights, routing, sharding, shards, breaker, 0);
    }

    /** A database with the default breaker settings. */
    public DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas,
                          SessionStatePolicy onSessionState, List<Integer> replicaWeights, RoutingConfig routing,
                          Optional<ShardingConfig> sharding, List<ShardConfig> shards) {
        this(name, pool, primary, replicas, onSessionState, replicaWeights, routing, sharding, shards,
                BreakerConfig.defaults());
    }

    /** A database that is not sharded. */
    public DatabaseConfig(String name, PoolConfig pool, BackendUrl primary, List<BackendUrl> replicas,
                          SessionStatePolicy onSessionState, List<Integer> replicaWeights, RoutingConfig routing) {
        this(name, pool, primary, replicas, onSessionState, replicaWeights, routing, Optional.empty(), List.of());
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

    /** A sharded database; {@code primary}, {@code replicas} and {@code replicaWeights} become shard 0's. */
    public static DatabaseConfig sharded(String name, PoolConfig pool, SessionStatePolicy onSessionState,
                                         RoutingConfig routing, ShardingConfig sharding, List<ShardConfig> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("a sharded database needs at least one shard");
        }
        ShardConfig first = shards.get(0);
        return new DatabaseConfig(name, pool, first.primary(), first.replicas(), onSessionState,
                first.replicaWeights(), routing, Optional.of(sharding), shards);
    }

    /**
     * Every server of the database under the key path where its URL is written ({@code primary},
     * {@code replicas[1]}, {@code shards[0].primary}...), in that order.
     */
    public Map<String, BackendUrl> serverUrls() {
        Map<String, BackendUrl> urls = new java.util.LinkedHashMap<>();
        if (isSharded()) {
            for (int i = 0; i < shards.size(); i++) {
                ShardConfig shard = shards.get(i);
                urls.put("shards[" + i + "].primary", shard.primary());
                for (int j = 0; j < shard.replicas().size(); j++) {
                    urls.put("shards[" + i + "].replicas[" + j + "]", shard.replicas().get(j));
                }
            }
        } else {
            urls.put("primary", primary);
            for (int j = 0; j < replicas.size(); j++) {
                urls.put("replicas[" + j + "]", replicas.get(j));
            }
        }
        return urls;
    }

    /** Whether the database has a {@code sharding:} block (even with a single shard). */
    public boolean isSharded() {
        return sharding.isPresent();
    }

    /** The same database with other pool settings; keeps everything else, shards and breaker included. */
    public DatabaseConfig withPool(PoolConfig newPool) {
        return new DatabaseConfig(name, newPool, primary, replicas, onSessionState, replicaWeights, routing,
                sharding, shards, breaker, maxClientConnections);
    }

    /** The same database with other breaker settings; keeps everything else, shards included. */
    public DatabaseConfig withBreaker(BreakerConfig newBreaker) {
        return new DatabaseConfig(name, pool, primary, replicas, onSessionState, replicaWeights, routing,
                sharding, shards, newBreaker, maxClientConnections);
    }

    /** The same database with another client connection limit; keeps everything else. */
    public DatabaseConfig withMaxClientConnections(int max) {
        return new DatabaseConfig(name, pool, primary, replicas, onSessionState, replicaWeights, routing,
                sharding, shards, breaker, max);
    }
}
