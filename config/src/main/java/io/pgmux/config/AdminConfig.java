package io.pgmux.config;

import java.util.List;

/**
 * The PostgreSQL-protocol admin console ({@code admin:} block).
 *
 * @param listen where the console listens, or {@code null} when it is disabled
 * @param users  names from {@code users:} that may log in to the console
 */
public record AdminConfig(HostPort listen, List<String> users) {

    /** The default console address, reachable from the local host only. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 6433);

    /** Copies {@code users} so the record stays immutable. */
    public AdminConfig {
        users = List.copyOf(users);
    }

    /** Listens on {@link #DEFAULT_LISTEN} and admits nobody. */
    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_LISTEN, List.of());
    }

    /** Whether the console is to be started at all. */
    public boolean enabled() {
        return listen != null;
    }
}
