package io.pgmux.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Server connection pooling of one database ({@code pool:} block, merged over {@code pool_defaults:}).
 *
 * @param mode                  when a server connection goes back to the pool
 * @param size                  most server connections of each pool (one per database and server user)
 * @param minIdle               idle server connections kept open
 * @param maxLifetime           an unused server connection older than this is closed; zero = never
 * @param idleTimeout           a server connection idle longer is closed; zero = never
 * @param connectTimeout        limit for TCP connect plus login to the server; zero = none
 * @param serverResetQuery      run before reuse in session mode; empty = none
 * @param maxPreparedStatements prepared statements cached per server connection in transaction mode
 * @param trackExtraParameters  more GUC_REPORT parameters kept in sync across server switches
 */
public record PoolConfig(
        PoolMode mode,
        int size,
        int minIdle,
        Duration maxLifetime,
        Duration idleTimeout,
        Duration connectTimeout,
        String serverResetQuery,
        int maxPreparedStatements,
        List<String> trackExtraParameters) {

    /** Rejects nulls and copies the list; value ranges are checked when a file is loaded. */
    public PoolConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(serverResetQuery, "serverResetQuery");
        trackExtraParameters = List.copyOf(trackExtraParameters);
    }

    /** The built-in values every key falls back to. */
    public static PoolConfig defaults() {
        return new PoolConfig(PoolMode.TRANSACTION, 20, 0, Duration.ofHours(1), Duration.ofMinutes(10),
                Duration.ofSeconds(5), "DISCARD ALL", 200, List.of());
    }
}
