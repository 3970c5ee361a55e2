package io.pgmux.it.support;

import java.util.ArrayList;
import java.util.List;

/**
 * The usual integration-test configuration, so that a test states only what is special about it:
 * one database on a test PostgreSQL, reached with a user whose password is its name, which is also
 * a client user of pgmux (SCRAM), plus whatever top-level keys, client users and pool settings the
 * test adds. {@link #yaml()} is what a user would write; {@link #start()} runs pgmux with it.
 */
public final class PgmuxSetup {
    private final int port;
    private final String database;
    private final String user;
    private final List<String> top = new ArrayList<>();
    private final List<String> clientUsers = new ArrayList<>();
    private final List<String> databaseKeys = new ArrayList<>();
    private boolean serverUserLogsIn = true;
    private String pool = "{ mode: transaction, size: 2 }";

    private PgmuxSetup(int port, String database, String user) {
        this.port = port;
        this.database = database;
        this.user = user;
    }

    /** Database {@code database} on {@code pg}, as (and for clients of) {@code user}/{@code user}. */
    public static PgmuxSetup of(TestPostgres pg, String database, String user) {
        return new PgmuxSetup(pg.port(), database, user);
    }

    /** A top-level key (or several lines of them), e.g. {@code workers: 1}; blank adds nothing. */
    public PgmuxSetup top(String yaml) {
        if (!yaml.isBlank()) {
            top.add(yaml.strip());
        }
        return this;
    }

    /** Another entry of {@code users}, as a flow mapping: {@code { name: raw, password: raw, auth: password }}. */
    public PgmuxSetup user(String flowMapping) {
        clientUsers.add(flowMapping);
        return this;
    }

    /** The server's user is not a client user of pgmux: only the {@link #user} entries log in. */
    public PgmuxSetup serverUserOnly() {
        serverUserLogsIn = false;
        return this;
    }

    /** The database's {@code pool}, as a flow mapping; {@code { mode: transaction, size: 2 }} by default. */
    public PgmuxSetup pool(String flowMapping) {
        pool = flowMapping;
        return this;
    }

    /** Another key of the database, e.g. {@code max_client_connections: 3}. */
    public PgmuxSetup databaseKey(String yaml) {
        databaseKeys.add(yaml.strip());
        return this;
    }

    public String yaml() {
        StringBuilder y = new StringBuilder();
        top.forEach(t -> y.append(t).append('\n'));
        y.append("users:\n");
        if (serverUserLogsIn) {
            y.append("  - { name: ").append(user).append(", password: ").append(user).append(" }\n");
        }
        clientUsers.forEach(u -> y.append("  - ").append(u).append('\n'));
        y.append("databases:\n  ").append(database).append(":\n");
        databaseKeys.forEach(k -> y.append("    ").append(k).append('\n'));
        y.append("    pool: ").append(pool).append('\n');
        y.append("    primary: postgres://").append(user).append(':').append(user).append("@127.0.0.1:").append(port)
                .append('/').append(database).append('\n');
        return y.toString();
    }

    public Pgmux start() {
        return Pgmux.start(yaml());
    }
}
