package io.pgmux.it;

import io.pgmux.demo.LocalPostgres;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves pgmux's behaviour when either side dies, on a server of its own (it is terminated,
 * killed and restarted here):
 * <ul>
 *   <li>a server backend terminated ({@code pg_terminate_backend}) under a client's open
 *       transaction: the client gets an error (57P01 or 08006), the transaction is rolled back, and
 *       the next client's transaction runs on a fresh server connection;</li>
 *   <li>the whole server SIGKILLed under an open transaction: the client gets an 08/57 error at
 *       once, clients arriving while it is down get an 08 error instead of a hang, and after a restart
 *       the very next transaction succeeds;</li>
 *   <li>a client killed (psql SIGKILLed, or a raw socket reset) while holding a row lock in an open
 *       transaction: the lock is released, another client takes it within {@code lock_timeout};</li>
 *   <li>a client vanishing in the middle of {@code pg_sleep(20)}: the query stops on the server
 *       within seconds (pgmux cancels it and drops the connection), not after 20 s.</li>
 * </ul>
 */
class FailureIT {
    private static final String DB = "failure_it";
    private static final String USER = "failure_user";

    static TestPostgres server;
    static LocalPostgres local;
    Pgmux pgmux;

    @BeforeAll
    static void startServer() {
        server = TestPostgres.startLocal("failure", b -> { });
        local = server.local().orElseThrow();
        server.createDatabase(DB, USER);
        server.sql(DB, "CREATE TABLE locks(id int PRIMARY KEY, v int)",
                "INSERT INTO locks VALUES (1, 0), (2, 0), (3, 0)",
                "CREATE TABLE log(id int)",
                "GRANT ALL ON locks, log TO " + USER);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void startPgmux() {
        server.sql(DB, "TRUNCATE log");
        // a fresh pgmux per test: no pool carries dead connections from one test into the next
        pgmux = Pgmux.start("""
                limits: { query_wait_timeout: 10s }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: raw, password: raw, auth: password }
                databases:
                  %2$s:
                    pool: { mode: transaction, size: 2, connect_timeout: 2s }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, server.port()));
    }

    @AfterEach
    void stopPgmux() {
        pgmux.close();
    }

    private Connection client() throws SQLException {
        return pgmux.connect(DB, USER, USER);
    }

    private static int intQuery(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private static String logIds() {
        return server.queryString(DB, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM log");
    }

    private static boolean isConnectionError(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57"));
    }

    /** Runs a transaction through pgmux; returns the server backend pid it ran on. */
    private int commitRow(int id) throws SQLException {
        try (Connection c = client(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO log VALUES (" + id + ")");
            int pid = intQuery(st, "SELECT pg_backend_pid()");
            c.commit();
            return pid;
        }
    }

    // ------------------------------------------------------------------ (a) the server side dies

    @Test
    void serverBackendTerminatedMidTransaction() throws Exception {
        try (Connection c = client(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO log VALUES (1)");
            int pid = intQuery(st, "SELECT pg_backend_pid()");

            assertEquals("t", server.queryString("postgres", "SELECT pg_terminate_backend(" + pid + ")"));
            Eventually.await(Duration.ofSeconds(5), "backend " + pid + " gone",
                    () -> server.queryString("postgres", "SELECT 1 FROM pg_stat_activity WHERE pid = " + pid) == null);

            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate("INSERT INTO log VALUES (2)"));
            assertTrue(e.getSQLState().equals("57P01") || e.getSQLState().equals("08006"),
                    () -> "expected 57P01 or 08006, got " + PgErrors.describe(e));

            // the pool replaced the dead connection: a new client's transaction commits, elsewhere
            int newPid = commitRow(3);
            assertNotEquals(pid, newPid);
        }
        assertEquals("3", logIds(), "the interrupted transaction was rolled back, the new one committed");
    }

    @Test
    void serverKilledAndRestarted() throws Exception {
        commitRow(9);
        try (Connection c = client(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO log VALUES (10)");

            local.kill();
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate("INSERT INTO log VALUES (11)"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(isConnectionError(e.getSQLState()), () -> "expected SQLSTATE class 08 or 57, got " + PgErrors.describe(e));
            assertTrue(ms < 5_000, "the in-flight client learnt of the crash after " + ms + " ms");
        }

        // while the server is down, clients are told so promptly instead of waiting
        try (Connection c = client(); Statement st = c.createStatement()) {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(isConnectionError(e.getSQLState()), () -> "expected SQLSTATE class 08, got " + PgErrors.describe(e));
            assertTrue(ms < 5_000, "a client of a dead server waited " + ms + " ms");
        } catch (SQLException loginRefused) {
            // refusing the login itself is fine too, as long as it is a connection error
            assertTrue(isConnectionError(loginRefused.getSQLState()), () -> PgErrors.describe(loginRefused));
        }

        local.restart();
        // the very first transaction after the restart succeeds: no dead connection is handed out
        commitRow(12);
        try (Connection c = client(); Statement st = c.createStatement()) {
            assertEquals(1, intQuery(st, "SELECT 1"));
        }
        assertEquals("9,12", logIds(), "committed rows survive the crash; the open transaction's do not");
    }

    // ------------------------------------------------------------------ (b) the client dies holding a lock

    /** True when a direct superuser connection cannot lock row {@code id} within 200 ms. */
    private static boolean rowIsLocked(int id) {
        try (Connection su = server.superuser(DB); Statement st = su.createStatement()) {
            su.setAutoCommit(false);
            st.execute("SET LOCAL lock_timeout = '200ms'");
            try {
                st.executeQuery("SELECT v FROM locks WHERE id = " + id + " FOR UPDATE").close();
                return false;
            } catch (SQLException e) {
                assertEquals("55P03", e.getSQLState(), () -> PgErrors.describe(e));
                return true;
            } finally {
                su.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Through pgmux, a new client takes the lock on row {@code id}; lock_timeout 5 s turns a held lock into a failure. */
    private void lockIsFreeThroughPgmux(int id) throws SQLException {
        try (Connection c = client(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SET LOCAL lock_timeout = '5s'");
            long start = System.nanoTime();
            try {
                st.executeQuery("SELECT v FROM locks WHERE id = " + id + " FOR UPDATE").close();
            } catch (SQLException e) {
                throw new AssertionError("row " + id + " is still locked after the client died: " + PgErrors.describe(e), e);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            st.executeUpdate("UPDATE locks SET v = v + 1 WHERE id = " + id);
            c.commit();
            assertTrue(ms < 5_000, "lock acquired after " + ms + " ms");
        }
    }

    @Test
    void killedPsqlLeavesNoLockHeld() throws Exception {
        Path psql = Path.of("/usr/bin/psql");
        assumeTrue(Files.isExecutable(psql), "psql is not installed");
        ProcessBuilder pb = new ProcessBuilder(psql.toString(), "-X", "-q", "-h", "127.0.0.1",
                "-p", Integer.toString(pgmux.port()), "-U", USER, "-d", DB)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null")));
        pb.environment().put("PGPASSWORD", USER);
        pb.environment().put("PGAPPNAME", "psql-locker");
        Process p = pb.start();
        try {
            OutputStream stdin = p.getOutputStream();
            stdin.write("BEGIN;\nSELECT v FROM locks WHERE id = 1 FOR UPDATE;\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush(); // stdin stays open: psql waits for more, holding the transaction
            // pgmux syncs application_name onto the server connection, which identifies psql's backend
            Eventually.await(Duration.ofSeconds(10), "psql idle in transaction",
                    () -> server.queryString("postgres", "SELECT 1 FROM pg_stat_activity WHERE application_name = 'psql-locker'"
                            + " AND state = 'idle in transaction'") != null);
            assertTrue(rowIsLocked(1), "psql holds the row lock");
        } finally {
            p.destroyForcibly(); // SIGKILL: no Terminate, no ROLLBACK from psql
            p.waitFor();
        }
        lockIsFreeThroughPgmux(1);
        assertFalse(rowIsLocked(1));
    }

    @Test
    void resetClientSocketLeavesNoLockHeld() throws Exception {
        RawPg raw = RawPg.connect(pgmux.port());
        raw.login("raw", DB, "raw");
        raw.simpleQuery("BEGIN");
        List<RawPg.Message> r = raw.simpleQuery("SELECT v FROM locks WHERE id = 2 FOR UPDATE");
        assertNotNull(RawPg.firstValue(r), "the locked row was returned");
        assertEquals('T', (char) r.get(r.size() - 1).body()[0], "idle in transaction");
        assertTrue(rowIsLocked(2), "the raw client holds the row lock");

        raw.abort(); // TCP reset, as when the client's host or process dies
        lockIsFreeThroughPgmux(2);
    }

    // ------------------------------------------------------------------ (c) the client dies mid-query

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"reset", "close"})
    void clientGoneMidQueryStopsTheQuery(String how) throws Exception {
        String marker = "failure-c-" + how;
        RawPg raw = RawPg.connect(pgmux.port());
        raw.login("raw", DB, "raw");
        raw.send(RawPg.query("SELECT pg_sleep(20) /* " + marker + " */"));
        String activity = "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%" + marker + "%'"
                + " AND pid <> pg_backend_pid()";
        String pid = Eventually.await(Duration.ofSeconds(5), "pg_sleep running on the server",
                () -> server.queryString("postgres", activity), v -> v != null);

        long start = System.nanoTime();
        if (how.equals("reset")) {
            raw.abort();
        } else {
            raw.socket().close(); // a plain close (FIN) without Terminate
        }
        Eventually.await(Duration.ofSeconds(5), "pg_sleep stopped on the server",
                () -> server.queryString("postgres", activity) == null);
        long ms = (System.nanoTime() - start) / 1_000_000;
        // the connection's state is unknown after a cancel, so it is closed, not pooled
        Eventually.await(Duration.ofSeconds(5), "backend " + pid + " closed",
                () -> server.queryString("postgres", "SELECT 1 FROM pg_stat_activity WHERE pid = " + pid) == null);
        assertTrue(ms < 5_000, "query stopped after " + ms + " ms");

        try (Connection c = client(); Statement st = c.createStatement()) {
            assertEquals(5, intQuery(st, "SELECT 5"), "pgmux serves on");
        }
    }
}
