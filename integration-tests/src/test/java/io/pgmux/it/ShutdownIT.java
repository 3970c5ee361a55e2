package io.pgmux.it;

import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves graceful shutdown ({@code ProxyServer.shutdown(timeout)}, what SIGTERM runs): the listener
 * closes at once so new connections are refused; idle clients are told 57P01
 * {@code terminating connection due to administrator command} and closed; a client in the middle
 * of a transaction may still run statements and COMMIT, the committed rows are in the database,
 * and it is closed right after; shutdown then returns without waiting out its timeout. A
 * transaction still open when the timeout expires is cut off and rolled back.
 */
class ShutdownIT {
    private static final String DB = "shutdown_it";
    private static final String USER = "shutdown_user";

    static TestPostgres pg;
    Pgmux pgmux;

    @BeforeAll
    static void database() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE t(id int)", "GRANT ALL ON t TO " + USER);
    }

    @BeforeEach
    void start() {
        pg.sql(DB, "TRUNCATE t");
        pgmux = PgmuxSetup.of(pg, DB, USER).user("{ name: raw, password: raw, auth: password }").pool("{ mode: transaction, size: 3 }").start();
    }

    @AfterEach
    void stop() {
        pgmux.close(); // a no-op when the test shut it down already
    }

    private boolean refusesConnections() {
        try (Socket s = new Socket("127.0.0.1", pgmux.port())) {
            return false;
        } catch (IOException refused) {
            return true;
        }
    }

    private CompletableFuture<Long> shutdownInBackground(Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            pgmux.server().shutdown(timeout);
            return (System.nanoTime() - start) / 1_000_000;
        });
    }

    private static int one(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    @Test
    void runningTransactionFinishesIdleClientsAreClosedNewOnesRefused() throws Exception {
        try (Connection inTxn = pgmux.connect(DB, USER, USER); Statement txn = inTxn.createStatement();
             Connection idle = pgmux.connect(DB, USER, USER); Statement idleSt = idle.createStatement();
             RawPg idleRaw = RawPg.connect(pgmux.port())) {
            inTxn.setAutoCommit(false);
            txn.executeUpdate("INSERT INTO t VALUES (1)");
            assertEquals(1, one(idleSt));
            idleRaw.login("raw", DB, "raw");
            idleRaw.simpleQuery("SELECT 1");

            CompletableFuture<Long> shutdown = shutdownInBackground(Duration.ofSeconds(10));
            Eventually.await(Duration.ofSeconds(5), "listener closed", this::refusesConnections);

            // the idle raw client is told why, then closed, without having sent anything
            List<RawPg.Message> told = idleRaw.readUntilClosed();
            assertEquals(1, told.size(), () -> RawPg.describe(told));
            RawPg.ErrorFields e = told.get(0).error();
            assertEquals("57P01", e.code(), e::toString);
            assertEquals("FATAL", e.severity());
            assertEquals("terminating connection due to administrator command", e.message());

            // the idle pgjdbc client finds its connection gone
            SQLException idleError = assertThrows(SQLException.class, () -> one(idleSt));
            assertTrue(idleError.getSQLState().equals("57P01") || idleError.getSQLState().startsWith("08"),
                    () -> PgErrors.describe(idleError));

            // the transaction in progress goes on and commits
            assertFalse(shutdown.isDone(), "shutdown waits for the open transaction");
            txn.executeUpdate("INSERT INTO t VALUES (2)");
            inTxn.commit();
            long shutdownMs = shutdown.get(8, TimeUnit.SECONDS);
            assertTrue(shutdownMs < 8_000, "shutdown returned once the transaction ended, took " + shutdownMs + " ms");

            // ...and then that client is closed too
            assertThrows(SQLException.class, () -> one(txn));
        }
        assertEquals("1,2", pg.queryString(DB, "SELECT string_agg(id::text, ',' ORDER BY id) FROM t"));
        assertTrue(refusesConnections());
    }

    @Test
    void transactionStillOpenAtTheTimeoutIsCutOff() throws Exception {
        try (Connection inTxn = pgmux.connect(DB, USER, USER); Statement txn = inTxn.createStatement()) {
            inTxn.setAutoCommit(false);
            txn.executeUpdate("INSERT INTO t VALUES (3)");

            long shutdownMs = shutdownInBackground(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
            assertTrue(shutdownMs >= 1_800 && shutdownMs < 6_000, "shutdown took " + shutdownMs + " ms for a 2 s timeout");

            assertThrows(SQLException.class, () -> {
                txn.executeUpdate("INSERT INTO t VALUES (4)");
                inTxn.commit();
            });
        }
        // the server connection was closed, so PostgreSQL rolled the transaction back
        Eventually.await(Duration.ofSeconds(5), "the cut-off transaction's backend is gone",
                () -> pg.queryString(DB, "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + USER
                        + "' AND application_name <> 'pgmux health check'").equals("0"));
        assertEquals("0", pg.queryString(DB, "SELECT count(*) FROM t"));
    }
}
