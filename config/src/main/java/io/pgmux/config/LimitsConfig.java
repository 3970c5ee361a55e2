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
 */
public record LimitsConfig(
        int maxClientConnections,
        Duration queryWaitTimeout,
        int maxMessageSize,
        Duration authTimeout,
        int maxClientPreparedStatements) {

    /** Smallest accepted {@code max_message_size}. */
    public static final int MIN_MESSAGE_SIZE = 1024;
    /** Largest accepted {@code max_message_size}: PostgreSQL itself rejects bigger messages. */
    public static final int MAX_MESSAGE_SIZE = 1 << 30;

    /** Rejects null durations; value ranges are checked when a file is loaded. */
    public LimitsConfig {
        Objects.requireNonNull(queryWaitTimeout, "queryWaitTimeout");
        Objects.requireNonNull(authTimeout, "authTimeout");
    }

    /** 10000 clients, 120s wait, 256MB messages, 30s to authenticate, 10000 statements. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(10_000, Duration.ofSeconds(120), 256 << 20, Duration.ofSeconds(30), 10_000);
    }
}
