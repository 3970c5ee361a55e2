package io.pgmux.backend;

import java.util.Objects;

/**
 * Where and as whom server connections of one pool log in.
 *
 * @param host     server host
 * @param port     server port
 * @param database the server-side database name
 * @param user     the server-side user
 * @param password plain password for the server, or null when none is known (trust, or the server never asks)
 * @param applicationName sent at login as {@code application_name}, or null (pool connections: the
 *                 client's own is set per lease); names pgmux's own health checks in pg_stat_activity
 */
public record ServerTarget(String host, int port, String database, String user, String password, String applicationName) {

    /** Health checks' name in {@code pg_stat_activity}, so operators (and tests) tell them from pool connections. */
    public static final String HEALTH_CHECK_APPLICATION = "pgmux health check";

    public ServerTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
    }

    public ServerTarget(String host, int port, String database, String user, String password) {
        this(host, port, database, user, password, null);
    }

    public ServerTarget withApplicationName(String name) {
        return new ServerTarget(host, port, database, user, password, name);
    }

    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString() {
        return user + "@" + address() + "/" + database;
    }
}
