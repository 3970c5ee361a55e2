package io.pgmux.pool;

import io.pgmux.config.SessionStatePolicy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The knobs of one pool, resolved from the configuration. Immutable; a reload swaps the whole record.
 *
 * @param mode                  session, transaction or statement pooling
 * @param size                  most server connections the pool may hold (open or opening)
 * @param minIdle               idle server connections kept open
 * @param maxLifetime           an unused connection older than this is closed; zero = never
 * @param idleTimeout           a connection idle longer than this is closed; zero = never
 * @param connectTimeout        TCP connect plus login
 * @param queryWaitTimeout      longest a client waits for a connection; zero = forever
 * @param serverResetQuery      run before reuse in session mode; empty = none
 * @param maxPreparedStatements per-server prepared statement cache size (transaction mode)
 * @param trackedParameters     parameters kept in sync across server switches
 * @param onSessionState        what transaction mode does about session state
 * @param maxClientPreparedStatements named statements one client may hold (transaction mode)
 */
public record PoolSettings(PoolMode mode, int size, int minIdle, Duration maxLifetime, Duration idleTimeout,
                           Duration connectTimeout, Duration queryWaitTimeout, String serverResetQuery,
                           int maxPreparedStatements, List<String> trackedParameters,
                           SessionStatePolicy onSessionState, int maxClientPreparedStatements) {

    /** The parameters PgBouncer tracks by default; DateStyle and friends are GUC_REPORT parameters. */
    public static final List<String> DEFAULT_TRACKED = List.of(
            "client_encoding", "DateStyle", "TimeZone", "IntervalStyle", "standard_conforming_strings", "application_name");

    public PoolSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(onSessionState, "onSessionState");
        trackedParameters = List.copyOf(trackedParameters);
        if (size < 1 || minIdle < 0 || minIdle > size) {
            throw new IllegalArgumentException("invalid pool size " + size + " / min_idle " + minIdle);
        }
    }

    /** True when named statements are renamed per server and session state is watched (transaction and statement mode). */
    public boolean multiplexed() {
        return mode != PoolMode.SESSION;
    }

    /** Defaults as documented in docs/configuration.md, for tests and tools. */
    public static PoolSettings defaults(PoolMode mode, int size) {
        return new PoolSettings(mode, size, 0, Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofSeconds(5),
                Duration.ofSeconds(120), "DISCARD ALL", 200, DEFAULT_TRACKED, SessionStatePolicy.PIN, 10_000);
    }
}
