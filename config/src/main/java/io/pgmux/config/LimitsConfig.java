package io.pgmux.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Protective limits on clients ({@code limits:} block).
 *
 * @param maxClientConnections        client connections accepted at once; past it clients get 53300
 * @param queryWaitTimeout            longest wait for a server connection; zero waits forever
 * @param maxMessageSize              largest client protocol message accepted, in bytes
 * @param authTimeout                 time a client has to finish startup and authentication
 * @param maxClientPreparedStatements named prepared statements one client may hold in transaction mode
 * @param queryTimeout                a request a server works on longer is canceled; zero = never
 *                                    (PgBouncer's {@code query_timeout})
 * @param idleTransactionTimeout      a client idle inside a transaction longer is disconnected; zero = never
 *                                    (PgBouncer's {@code idle_transaction_timeout})
 * @param clientIdleTimeout           a client idle between transactions longer is disconnected; zero = never
 *                                    (PgBouncer's {@code client_idle_timeout})
 * @param maxUnauthenticatedConnections client connections still logging in at once; past it a new
 *                                    connection is refused with 53300 at once; zero = no limit
 * @param authFailureDelay            how long a failed authentication waits before its error and close,
 *                                    holding its login slot (PostgreSQL's auth_delay); zero = none
 */
public record LimitsConfig(
        int maxClientConnections,
        Duration queryWaitTimeout,
        int maxMessageSize,
        Duration authTimeout,
        int maxClientPreparedStatements,
        Duration queryTimeout,
        Duration idleTransactionTimeout,
        Duration clientIdleTimeout,
        int maxUnauthenticatedConnections,
        Duration authFailureDelay) {

    /** Used when {@code max_unauthenticated_connections} is absent. */
    public static final int DEFAULT_MAX_UNAUTHENTICATED = 1000;

    /** Smallest accepted {@code max_message_size}. */
    public static final int MIN_MESSAGE_SIZE = 1024;
    /** Largest accepted {@code max_message_size}: PostgreSQL itself rejects bigger messages. */
    public static final int MAX_MESSAGE_SIZE = 1 << 30;

    /** Rejects null durations; value ranges are checked when a file is loaded. */
    public LimitsConfig {
        Objects.requireNonNull(queryWaitTimeout, "queryWaitTimeout");
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        Objects.requireNonNull(idleTransactionTimeout, "idleTransactionTimeout");
        Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
        Objects.requireNonNull(authFailureDelay, "authFailureDelay");
    }

    /** Limits without a delay on failed logins. */
    public LimitsConfig(int maxClientConnections, Duration queryWaitTimeout, int maxMessageSize, Duration authTimeout,
                        int maxClientPreparedStatements, Duration queryTimeout, Duration idleTransactionTimeout,
                        Duration clientIdleTimeout, int maxUnauthenticatedConnections) {
        this(maxClientConnections, queryWaitTimeout, maxMessageSize, authTimeout, maxClientPreparedStatements,
                queryTimeout, idleTransactionTimeout, clientIdleTimeout, maxUnauthenticatedConnections, Duration.ZERO);
    }

    /** Limits with the default {@code max_unauthenticated_connections}. */
    public LimitsConfig(int maxClientConnections, Duration queryWaitTimeout, int maxMessageSize, Duration authTimeout,
                        int maxClientPreparedStatements, Duration queryTimeout, Duration idleTransactionTimeout,
                        Duration clientIdleTimeout) {
        this(maxClientConnections, queryWaitTimeout, maxMessageSize, authTimeout, maxClientPreparedStatements,
                queryTimeout, idleTransactionTimeout, clientIdleTimeout, DEFAULT_MAX_UNAUTHENTICATED);
    }

    /** Limits without query, idle-in-transaction or client idle timeouts (all three off). */
    public LimitsConfig(int maxClientConnections, Duration queryWaitTimeout, int maxMessageSize, Duration authTimeout,
                        int maxClientPreparedStatements) {
        this(maxClientConnections, queryWaitTimeout, maxMessageSize, authTimeout, maxClientPreparedStatements,
                Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /** 10000 clients, 120s wait, 256MB messages, 30s to authenticate, 10000 statements, no idle or query timeouts. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(10_000, Duration.ofSeconds(120), 256 << 20, Duration.ofSeconds(30), 10_000);
    }

    /** The same limits with another {@code query_wait_timeout}: for SET, which must keep every other value. */
    public LimitsConfig withQueryWaitTimeout(Duration timeout) {
        return new LimitsConfig(maxClientConnections, timeout, maxMessageSize, authTimeout,
                maxClientPreparedStatements, queryTimeout, idleTransactionTimeout, clientIdleTimeout,
                maxUnauthenticatedConnections, authFailureDelay);
    }

    /** The same limits with another {@code max_client_connections}: for SET, which must keep every other value. */
    public LimitsConfig withMaxClientConnections(int max) {
        return new LimitsConfig(max, queryWaitTimeout, maxMessageSize, authTimeout,
                maxClientPreparedStatements, queryTimeout, idleTransactionTimeout, clientIdleTimeout,
                maxUnauthenticatedConnections, authFailureDelay);
    }
}
