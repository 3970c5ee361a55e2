package io.pgmux.it.support;

import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolStats;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Small pgjdbc conveniences shared by the transaction-mode transparency tests. */
public final class Jdbc {
    private Jdbc() {
    }

    /**
     * Driver properties from {@code key, value, key, value...}, with a 60 s socket timeout unless
     * given: a proxy that never answers fails the test instead of hanging it.
     */
    public static Properties props(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Properties p = new Properties();
        p.setProperty("socketTimeout", "60");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** First column of the first row as text; fails when there is no row. */
    public static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row for " + sql);
            }
            return rs.getString(1);
        }
    }

    /** First column of the first row as a long. */
    public static long oneLong(Connection c, String sql) throws SQLException {
        return Long.parseLong(one(c, sql));
    }

    /** The server process serving {@code c} right now (in transaction mode: for this statement). */
    public static int backendPid(Connection c) throws SQLException {
        return Integer.parseInt(one(c, "SELECT pg_backend_pid()"));
    }

    /** The statistics of the only pool of {@code pgmux}. */
    public static PoolStats poolStats(Pgmux pgmux) {
        var pools = pgmux.server().pools();
        if (pools.size() != 1) {
            throw new AssertionError("expected exactly one pool, got " + pools.size());
        }
        Pool pool = pools.iterator().next();
        return pool.stats();
    }

    /** A JDBC call, for lambdas that may not throw checked exceptions. */
    @FunctionalInterface
    public interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Runs {@code call}, turning its SQLException into an unchecked one (for Eventually probes). */
    public static <T> T unchecked(SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
