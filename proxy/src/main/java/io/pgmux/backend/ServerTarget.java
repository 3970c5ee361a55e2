package io.pgmux.backend;

import io.pgmux.config.BackendUrl;
import io.pgmux.config.TlsConfig;

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
 * @param passthrough when {@code password} is null: what clients' logins gave pgmux to log in as
 *                 {@code user} (SCRAM ClientKey or MD5 hash), or null
 * @param tlsMode  the backend URL's {@code ?sslmode=}, or null for {@code tls.server_mode}
 */
public record ServerTarget(String host, int port, String database, String user, String password, String applicationName,
                           io.pgmux.auth.PassthroughCredential passthrough, TlsConfig.ServerMode tlsMode) {

    /** Health checks' name in {@code pg_stat_activity}, so operators (and tests) tell them from pool connections. */
    public static final String HEALTH_CHECK_APPLICATION = "pgmux health check";

    public ServerTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
    }

    public ServerTarget(String host, int port, String database, String user, String password) {
        this(host, port, database, user, password, null, null, null);
    }

    public ServerTarget(String host, int port, String database, String user, String password, String applicationName) {
        this(host, port, database, user, password, applicationName, null, null);
    }

    /** The server of {@code url} (its address and {@code sslmode}), logged in to as {@code user} with {@code password}. */
    public static ServerTarget of(BackendUrl url, String database, String user, String password) {
        return new ServerTarget(url.host(), url.port(), database, user, password, null, null, url.sslMode());
    }

    public ServerTarget withApplicationName(String name) {
        return new ServerTarget(host, port, database, user, password, name, passthrough, tlsMode);
    }

    /** With the credential clients' logins give (used only while {@code password} is null). */
    public ServerTarget withPassthrough(io.pgmux.auth.PassthroughCredential credential) {
        return new ServerTarget(host, port, database, user, password, applicationName, credential, tlsMode);
    }

    /** The TLS mode of this server's connections: its URL's {@code sslmode}, else {@code tls.server_mode}; none over a socket. */
    public TlsConfig.ServerMode tlsMode(TlsConfig tls) {
        if (isUnixSocket()) {
            return TlsConfig.ServerMode.DISABLE; // as libpq: no TLS on a Unix-domain socket, whatever sslmode says
        }
        return tlsMode != null ? tlsMode : tls.serverMode();
    }

    /** host:port, or the socket file's path for a Unix-domain socket (libpq names that in its errors too). */
    public String address() {
        if (isUnixSocket()) {
            return socketPath().toString();
        }
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** True when {@code host} is the directory of the server's Unix-domain socket. */
    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    /** The server's socket file, {@code <host>/.s.PGSQL.<port>}, as libpq computes it. */
    public java.nio.file.Path socketPath() {
        return java.nio.file.Path.of(host, ".s.PGSQL." + port);
    }

    @Override
    public String toString() {
        return user + "@" + address() + "/" + database;
    }
}
