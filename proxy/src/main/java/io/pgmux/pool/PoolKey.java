package io.pgmux.pool;

/**
 * Identifies a pool: the database name clients use, the user pgmux logs in to the server as, and
 * which of the database's servers ({@code primary}, {@code replica1}...). With a forced user in the
 * backend URL every client of the database shares one pool per server.
 */
public record PoolKey(String database, String user, String backend) {

    public static final String PRIMARY = "primary";

    public PoolKey(String database, String user) {
        this(database, user, PRIMARY);
    }

    /**
     * The database as the admin console's listings name this pool: the database for its primary,
     * {@code database@replica1} for a replica's, so every (database, user) row stays unique for
     * tools that key on them (pgbouncer_exporter).
     */
    public String databaseLabel() {
        return PRIMARY.equals(backend) ? database : database + "@" + backend;
    }

    @Override
    public String toString() {
        return PRIMARY.equals(backend) ? database + "/" + user : database + "/" + user + "@" + backend;
    }
}
