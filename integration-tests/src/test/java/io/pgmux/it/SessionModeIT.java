package io.pgmux.it;

import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the session and statement pool modes.
 *
 * <p>Session mode, pool of one connection: whatever client A leaves in its session (search_path,
 * a temp table, a prepared statement, a session advisory lock, an open transaction) is gone when
 * client B gets the same server backend (same {@code pg_backend_pid()}), because pgmux ran
 * {@code DISCARD ALL} (after a ROLLBACK) between them.
 *
 * <p>Statement mode: single statements run, but a client that opens a multi-statement transaction
 * is refused with 0A000 and its transaction does not commit.
 */
class SessionModeIT {
    private static final String DB = "sessionmode_it";
    private static final String USER = "sessionmode_user";

    static TestPostgres pg;
    static Pgmux session;
    static Pgmux statement;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE SCHEMA foo AUTHORIZATION " + USER,
                "CREATE TABLE public.kept(id int)", "GRANT ALL ON public.kept TO " + USER);
        // workers: 1 so the single connection is reused as is (see ParameterSyncIT on per-loop pools)
        session = start("{ mode: session, size: 1 }");
        statement = start("{ mode: statement, size: 2 }");
    }

    private static Pgmux start(String pool) {
        return PgmuxSetup.of(pg, DB, USER).top("workers: 1").pool(pool).start();
    }

    @AfterAll
    static void stop() {
        session.close();
        statement.close();
    }

    private static String text(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void nextClientOnTheSameBackendSeesNoneOfTheSessionState() throws Exception {
        String pidA;
        try (Connection a = session.connect(DB, USER, USER); Statement st = a.createStatement()) {
            pidA = text(st, "SELECT pg_backend_pid()");
            st.execute("SET search_path = foo");
            st.execute("CREATE TEMP TABLE tmp_a(x int)");
            st.execute("PREPARE stmt_a AS SELECT 1");
            st.execute("SELECT pg_advisory_lock(4242)");
            st.execute("SET statement_timeout = '17s'");
            assertEquals("foo", text(st, "SHOW search_path"));
            assertEquals("1", text(st, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'stmt_a'"));
        }
        try (Connection b = session.connect(DB, USER, USER); Statement st = b.createStatement()) {
            assertEquals(pidA, text(st, "SELECT pg_backend_pid()"), "B runs on A's server backend");
            assertEquals("\"$user\", public", text(st, "SHOW search_path"));
            assertNull(text(st, "SELECT to_regclass('pg_temp.tmp_a')"), "A's temp table is gone");
            assertEquals("0", text(st, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'stmt_a'"));
            assertEquals("0", text(st, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND pid = pg_backend_pid()"), "A's session advisory lock was released");
            assertEquals("0", text(st, "SHOW statement_timeout"));
        }
    }

    @Test
    void openTransactionOfADepartedClientIsRolledBack() throws Exception {
        pg.sql(DB, "TRUNCATE public.kept");
        String pidA;
        try (Connection a = session.connect(DB, USER, USER); Statement st = a.createStatement()) {
            pidA = text(st, "SELECT pg_backend_pid()");
            a.setAutoCommit(false);
            st.executeUpdate("INSERT INTO public.kept VALUES (1)");
            st.execute("SET LOCAL search_path = foo");
            // closed without commit: pgjdbc does not roll back on close, the server is left in a transaction
        }
        try (Connection b = session.connect(DB, USER, USER); Statement st = b.createStatement()) {
            assertEquals(pidA, text(st, "SELECT pg_backend_pid()"), "the connection was cleaned, not replaced");
            assertEquals("0", text(st, "SELECT count(*) FROM public.kept"));
            // B is not inside A's transaction: its own statements commit on their own
            st.executeUpdate("INSERT INTO public.kept VALUES (2)");
        }
        assertEquals("2", pg.queryString(DB, "SELECT string_agg(id::text, ',') FROM public.kept"));
    }

    @Test
    void statementModeRunsSingleStatements() throws Exception {
        try (Connection c = statement.connect(DB, USER, USER); Statement st = c.createStatement()) {
            for (int i = 0; i < 10; i++) {
                assertEquals(Integer.toString(i), text(st, "SELECT " + i));
            }
        }
    }

    @Test
    void statementModeRefusesMultiStatementTransactions() throws Exception {
        pg.sql(DB, "TRUNCATE public.kept");
        try (Connection c = statement.connect(DB, USER, USER); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            SQLException e = assertThrows(SQLException.class, () -> {
                st.executeUpdate("INSERT INTO public.kept VALUES (1)");
                st.executeUpdate("INSERT INTO public.kept VALUES (2)");
                c.commit();
            });
            assertEquals("0A000", e.getSQLState(), () -> PgErrors.describe(e));
            assertEquals("transaction blocks not allowed in statement pooling mode", PgErrors.serverMessage(e));
        }
        // nothing of the refused transaction was committed
        Eventually.await(Duration.ofSeconds(5), "no transaction of the refused client left open",
                () -> pg.queryString(DB, "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + USER
                        + "' AND state LIKE 'idle in transaction%'").equals("0"));
        assertEquals("0", pg.queryString(DB, "SELECT count(*) FROM public.kept"));
        // and the pool still serves
        try (Connection c = statement.connect(DB, USER, USER); Statement st = c.createStatement()) {
            assertEquals("1", text(st, "SELECT 1"));
        }
    }
}
