package io.pgmux.it;

import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves query cancellation through pgmux: pgjdbc's {@code Statement.cancel()} (a CancelRequest
 * with the proxy-issued key, on a new connection to pgmux) stops {@code SELECT pg_sleep(30)} with
 * 57014 well within 2 s, the server backend really stops, and the client connection stays usable
 * (also inside a transaction, which is then aborted as PostgreSQL would). CancelRequests with
 * made-up keys, or the right pid with a wrong secret, are dropped without an answer and cancel
 * nothing.
 */
class CancelIT {
    private static final String DB = "cancel_it";
    private static final String USER = "cancel_user";

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pgmux = PgmuxSetup.of(pg, DB, USER).pool("{ mode: transaction, size: 3 }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    /** Runs {@code sql} on {@code st}, cancels it from another thread after 300 ms; returns the error and elapsed ms. */
    private static Object[] runAndCancel(Statement st, String sql) {
        CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
            Eventually.pause(300);
            try {
                st.cancel();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, () -> st.execute(sql));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        canceller.join();
        return new Object[]{e, elapsedMs};
    }

    private static int runningSleeps(String marker) {
        return Integer.parseInt(pg.queryString(DB, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                + " AND query LIKE '%" + marker + "%' AND pid <> pg_backend_pid()"));
    }

    @Test
    void cancelStopsTheQueryQuickly() throws Exception {
        try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement()) {
            Object[] r = runAndCancel(st, "SELECT pg_sleep(30) /* cancel-autocommit */");
            SQLException e = (SQLException) r[0];
            long elapsedMs = (long) r[1];
            assertEquals("57014", e.getSQLState(), () -> PgErrors.describe(e));
            assertEquals("canceling statement due to user request", PgErrors.serverMessage(e));
            assertTrue(elapsedMs < 2_000, "cancelled query returned after " + elapsedMs + " ms");
            // the query really stopped on the server, it is not just the client that gave up
            assertEquals(0, runningSleeps("cancel-autocommit"));
            // and the connection goes on
            try (ResultSet rs = st.executeQuery("SELECT 42")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }
    }

    @Test
    void cancelInsideATransactionAbortsItAndTheConnectionRecovers() throws Exception {
        pg.sql(DB, "CREATE TABLE IF NOT EXISTS cancelled(id int)", "TRUNCATE cancelled", "GRANT ALL ON cancelled TO " + USER);
        try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO cancelled VALUES (1)");
            Object[] r = runAndCancel(st, "SELECT pg_sleep(30) /* cancel-in-txn */");
            SQLException e = (SQLException) r[0];
            assertEquals("57014", e.getSQLState(), () -> PgErrors.describe(e));
            assertTrue((long) r[1] < 2_000, "cancelled query returned after " + r[1] + " ms");
            SQLException aborted = assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1"));
            assertEquals("25P02", aborted.getSQLState(), "the transaction is aborted, as in PostgreSQL");
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM cancelled")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "the aborted transaction's insert is gone");
            }
        }
    }

    @Test
    void clientSeesAProxyIssuedBackendKey() throws Exception {
        try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            assertTrue(rs.next());
            // the key in BackendKeyData is pgmux's own, never a server's (which would let a client
            // cancel whatever another client later runs on that server connection)
            assertNotEquals(rs.getInt(1), ((PGConnection) c).getBackendPID());
        }
    }

    @Test
    void bogusCancelKeysAreIgnored() throws Exception {
        try (Connection victim = pgmux.connect(DB, USER, USER); Statement st = victim.createStatement()) {
            int realPid = ((PGConnection) victim).getBackendPID();
            CompletableFuture<Long> query = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try (ResultSet rs = st.executeQuery("SELECT pg_sleep(1.5), 'survived' /* bogus-cancel */")) {
                    rs.next();
                    assertEquals("survived", rs.getString(2));
                } catch (SQLException e) {
                    throw new IllegalStateException("the victim's query was disturbed: " + PgErrors.describe(e), e);
                }
                return (System.nanoTime() - start) / 1_000_000;
            });
            Eventually.await(Duration.ofSeconds(5), "victim's query running on the server",
                    () -> runningSleeps("bogus-cancel") == 1);

            Random random = new Random(7);
            for (int i = 0; i < 10; i++) {
                // random pids and secrets, the server's real pid, and the right proxy pid with a wrong secret:
                // each connection is closed without a reply (RawPg.cancel asserts that)
                RawPg.cancel(pgmux.port(), random.nextInt(), random.nextInt());
            }
            RawPg.cancel(pgmux.port(), realPid, 0);
            RawPg.cancel(pgmux.port(), realPid, 12345);

            long elapsed = query.get(10, TimeUnit.SECONDS);
            assertTrue(elapsed >= 1_400, "the query ran its full 1.5 s, took " + elapsed + " ms");
        }
        // and pgmux still serves
        try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void cancelForAnIdleClientDoesNothing() throws Exception {
        // a cancel that arrives while the client has no query running must not hit the next one
        try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement()) {
            st.cancel();
            Eventually.pause(200); // pacing: let a (wrongly) forwarded cancel reach the server first
            try (ResultSet rs = st.executeQuery("SELECT pg_sleep(0.3), 7")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(2));
            }
        }
    }
}
