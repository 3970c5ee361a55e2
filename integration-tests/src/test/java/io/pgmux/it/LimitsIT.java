package io.pgmux.it;

import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the client-facing limits: past {@code limits.max_client_connections} a client is refused
 * with 53300 {@code sorry, too many clients already} (and a slot freed by a disconnect is reusable);
 * a client that waits longer than {@code limits.query_wait_timeout} for a server connection gets
 * an 08P01 {@code query_wait_timeout} error after about that long instead of hanging, and once the
 * connection is free again new clients are served; past {@code limits.max_unauthenticated_connections}
 * connections that never log in, a new client is refused with 53300 until they close; and
 * {@code users[].max_client_connections} and {@code databases.<db>.max_client_connections} refuse
 * logins past them with PostgreSQL's 53300 messages.
 */
class LimitsIT {
    private static final String DB = "limits_it";
    private static final String USER = "limits_user";

    static TestPostgres pg;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
    }

    private static Pgmux pgmux(String limits, String pool) {
        return PgmuxSetup.of(pg, DB, USER).top("limits: " + limits).pool(pool).start();
    }

    private static int one(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** Connects as {@code user} (password = name) once pgmux stops refusing with 53300: it learns of closes asynchronously. */
    private static Connection connectOnceFree(Pgmux pgmux, String user, String what) {
        return Eventually.await(Duration.ofSeconds(5), what, () -> {
            try {
                return pgmux.connect(DB, user, user);
            } catch (SQLException refused) {
                assertEquals("53300", refused.getSQLState(), () -> PgErrors.describe(refused));
                return null;
            }
        }, c -> c != null);
    }

    @Test
    void fourthClientIsRefusedPastMaxClientConnections() throws Exception {
        try (Pgmux pgmux = pgmux("{ max_client_connections: 3 }", "{ mode: transaction, size: 2 }")) {
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Connection c = pgmux.connect(DB, USER, USER);
                    assertEquals(1, one(c));
                    held.add(c);
                }
                SQLException e = assertThrows(SQLException.class, () -> pgmux.connect(DB, USER, USER).close());
                assertEquals("53300", e.getSQLState(), () -> PgErrors.describe(e));
                assertEquals("sorry, too many clients already", PgErrors.serverMessage(e));

                // the three admitted clients are unaffected
                for (Connection c : held) {
                    assertEquals(1, one(c));
                }
                // a slot freed by a disconnect is reused (pgmux learns of the close asynchronously)
                held.remove(0).close();
                Connection again = connectOnceFree(pgmux, USER, "a freed slot is reused");
                held.add(again);
                assertEquals(1, one(again));
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void waitingPastQueryWaitTimeoutGetsAnError() throws Exception {
        try (Pgmux pgmux = pgmux("{ query_wait_timeout: 1s }", "{ mode: transaction, size: 1 }");
             Connection holder = pgmux.connect(DB, USER, USER);
             Connection waiter = pgmux.connect(DB, USER, USER)) {
            holder.setAutoCommit(false);
            assertEquals(1, one(holder)); // holds the only server connection until it commits

            CompletableFuture<SQLException> waited = CompletableFuture.supplyAsync(() -> {
                try {
                    one(waiter);
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            long start = System.nanoTime();
            // a hang shows up here as a timeout, not as a stuck build
            SQLException e = waited.get(15, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e != null, "the waiting client got a result although the only server connection was busy");
            assertEquals("08P01", e.getSQLState(), () -> PgErrors.describe(e));
            assertEquals("query_wait_timeout", PgErrors.serverMessage(e));
            assertTrue(ms >= 800 && ms < 3_000, "error after " + ms + " ms, query_wait_timeout is 1 s");

            // the holder was not disturbed, and after its commit new clients are served
            assertEquals(1, one(holder));
            holder.commit();
            try (Connection next = pgmux.connect(DB, USER, USER)) {
                assertEquals(1, one(next));
            }
        }
    }

    @Test
    void waitersAreServedInOrderWhenTheConnectionFreesInTime() throws Exception {
        // the counterpart: a wait shorter than the timeout ends with the query running, not an error
        try (Pgmux pgmux = pgmux("{ query_wait_timeout: 5s }", "{ mode: transaction, size: 1 }");
             Connection holder = pgmux.connect(DB, USER, USER);
             Connection waiter = pgmux.connect(DB, USER, USER)) {
            holder.setAutoCommit(false);
            assertEquals(1, one(holder));
            CompletableFuture<Integer> waited = CompletableFuture.supplyAsync(() -> {
                try {
                    return one(waiter);
                } catch (SQLException e) {
                    throw new IllegalStateException(PgErrors.describe(e), e);
                }
            });
            Eventually.pause(500); // pacing: let the waiter queue up behind the holder
            assertTrue(!waited.isDone(), "the waiter must wait while the only connection is in a transaction");
            holder.commit();
            assertEquals(1, waited.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void connectionsThatNeverLogInAreLimited() throws Exception {
        try (Pgmux pgmux = pgmux("{ max_unauthenticated_connections: 3 }", "{ mode: transaction, size: 2 }")) {
            List<java.net.Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    idle.add(new java.net.Socket("127.0.0.1", pgmux.port())); // never sends a startup packet
                }
                // pgmux counts them when it accepts them, a moment after connect() returns
                SQLException e = Eventually.await(Duration.ofSeconds(5), "a fourth client is refused", () -> {
                    try {
                        pgmux.connect(DB, USER, USER).close();
                        return null;
                    } catch (SQLException refused) {
                        return refused;
                    }
                }, x -> x != null);
                assertEquals("53300", e.getSQLState(), () -> PgErrors.describe(e));
                assertEquals("too many connections still authenticating", PgErrors.serverMessage(e));
            } finally {
                for (java.net.Socket s : idle) {
                    s.close();
                }
            }
            Connection again = connectOnceFree(pgmux, USER, "accepted once the idle ones are gone");
            try (Connection c = again) {
                assertEquals(1, one(c));
            }
        }
    }

    @Test
    void perUserAndPerDatabaseClientLimits() throws Exception {
        try (Pgmux pgmux = PgmuxSetup.of(pg, DB, USER).serverUserOnly()
                .user("{ name: " + USER + ", password: " + USER + ", max_client_connections: 2 }")
                .user("{ name: other_user, password: other_user }").databaseKey("max_client_connections: 3").start()) {
            List<Connection> held = new ArrayList<>();
            try {
                held.add(pgmux.connect(DB, USER, USER));
                held.add(pgmux.connect(DB, USER, USER));
                SQLException e = assertThrows(SQLException.class, () -> pgmux.connect(DB, USER, USER).close());
                assertEquals("53300", e.getSQLState(), () -> PgErrors.describe(e));
                assertEquals("too many connections for role \"" + USER + "\"", PgErrors.serverMessage(e));

                held.add(pgmux.connect(DB, "other_user", "other_user")); // the database's third
                SQLException d = assertThrows(SQLException.class,
                        () -> pgmux.connect(DB, "other_user", "other_user").close());
                assertEquals("53300", d.getSQLState(), () -> PgErrors.describe(d));
                assertEquals("too many connections for database \"" + DB + "\"", PgErrors.serverMessage(d));
                for (Connection c : held) {
                    assertEquals(1, one(c), "admitted clients are unaffected");
                }

                held.remove(0).close();
                Connection again = connectOnceFree(pgmux, USER, "the user's freed slot is reused");
                held.add(again);
                assertEquals(1, one(again));
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        }
    }
}
