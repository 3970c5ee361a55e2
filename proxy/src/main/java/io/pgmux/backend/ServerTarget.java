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
 */
public record ServerTarget(String host, int port, String database, String user, String password) {

    public ServerTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
    }

    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString() {
        return user + "@" + address() + "/" + database;
    }
}
