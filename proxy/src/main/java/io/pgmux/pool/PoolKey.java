package io.pgmux.pool;

/**
 * Identifies a pool: the database name clients use and the user pgmux logs in to the server as.
 * With a forced user in the backend URL every client of the database shares one pool.
 */
public record PoolKey(String database, String user) {
    @Override
    public String toString() {
        return database + "/" + user;
    }
}
