package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client timeouts on real PostgreSQL, in transaction and session mode, each with a pool of one
 * server connection so that a leaked or dirty connection shows up in the next client:
 * {@code limits.query_timeout} cancels a long request (the client gets 57014 and keeps its
 * connection, the server is reusable, the breaker counts it); {@code idle_transaction_timeout}
 * closes a client idle in a transaction with 25P03, its locks released and its work rolled back;
 * {@code client_idle_timeout} closes an idle client with 57P05 but never a working one; RELOAD
 * applies a new timeout to clients already connected.
 */
class TimeoutsIT {
    private static final String DB = "timeouts_it";
    private static final String USER = "timeouts_user";
    private static final String ADMIN_PASSWORD = "timeouts-admin";

    static TestPostgres pg;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "SET ROLE " + USER, "CREATE TABLE account(id int PRIMARY KEY, balance int NOT NULL)");
    }

    private static String config(String limits, String mode) {
        return """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: off }
                limits: %4$s
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: %6$s }
                breaker_defaults: { failure_threshold: 100 }
                databases:
                  %2$s:
                    pool: { mode: %5$s, size: 1 }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, pg.port(), limits, mode, ADMIN_PASSWORD);
    }

    private static Connection connect(Pgmux pgmux) throws SQLException {
        return pgmux.connect(DB, USER, USER);
    }

    private static int one(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "session"})
    void queryTimeoutCancelsTheRequestAndTheConnectionGoesOn(String mode) throws Exception {
        try (Pgmux pgmux = Pgmux.start(config("{ query_timeout: 1s }", mode));
             AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", ADMIN_PASSWORD)) {
            try (Connection c = connect(pgmux)) {
                // requests shorter than the timeout are left alone, however long the session runs
                for (int i = 0; i < 4; i++) {
                    run(c, "SELECT pg_sleep(0.4)");
                }
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> run(c, "SELECT pg_sleep(30)"));
                long ms = millisSince(start);
                assertEquals("57014", e.getSQLState(), () -> PgErrors.describe(e));
                assertEquals("canceling statement due to user request", PgErrors.serverMessage(e));
                assertTrue(ms >= 900 && ms < 5_000, "canceled after " + ms + " ms, query_timeout is 1 s");
                assertEquals(1, one(c), "the client keeps its connection");
                // inside a transaction: the statement fails, the transaction is aborted, the client stays
                c.setAutoCommit(false);
                SQLException inTx = assertThrows(SQLException.class, () -> run(c, "SELECT pg_sleep(30)"));
                assertEquals("57014", inTx.getSQLState(), () -> PgErrors.describe(inTx));
                c.rollback();
                c.setAutoCommit(true);
                assertEquals(1, one(c));
            }
            // the only server connection was not leaked: another client gets it
            try (Connection next = connect(pgmux)) {
                assertEquals(1, one(next));
            }
            String failures = admin.query("SHOW BREAKERS").one("database", DB).get("failures");
            assertEquals("2", failures, "each canceled request counts against the server's breaker");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "session"})
    void idleTransactionTimeoutDisconnectsAndRollsBack(String mode) throws Exception {
        pg.sql(DB, "SET ROLE " + USER, "DELETE FROM account", "INSERT INTO account VALUES (1, 100)");
        try (Pgmux pgmux = Pgmux.start(config("{ idle_transaction_timeout: 1s }", mode))) {
            try (Connection c = connect(pgmux)) {
                c.setAutoCommit(false);
                // a transaction that keeps working is not idle, however long it lasts
                for (int i = 0; i < 5; i++) {
                    run(c, "UPDATE account SET balance = balance + 1 WHERE id = 1");
                    Thread.sleep(400);
                }
                Thread.sleep(2_500); // idle in the transaction, holding the row lock, past the timeout
                SQLException e = assertThrows(SQLException.class, () -> one(c));
                assertEquals("25P03", e.getSQLState(), () -> PgErrors.describe(e));
                assertEquals("terminating connection due to idle-in-transaction timeout", PgErrors.serverMessage(e));
                assertEquals("FATAL", PgErrors.severity(e));
            }
            // the row lock is gone and nothing was committed, served by the pool's one connection
            try (Connection other = connect(pgmux)) {
                other.setAutoCommit(false);
                run(other, "SET LOCAL lock_timeout = '2s'");
                try (Statement st = other.createStatement();
                     ResultSet rs = st.executeQuery("SELECT balance FROM account WHERE id = 1 FOR UPDATE")) {
                    assertTrue(rs.next());
                    assertEquals(100, rs.getInt(1), "the idle transaction's updates were rolled back");
                }
                other.commit();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "session"})
    void clientIdleTimeoutClosesIdleClientsOnly(String mode) throws Exception {
        try (Pgmux pgmux = Pgmux.start(config("{ client_idle_timeout: 1s, query_wait_timeout: 10s }", mode));
             Connection idle = connect(pgmux)) {
            assertEquals(1, one(idle));
            try (Connection busy = connect(pgmux)) {
                // session mode and a pool of one: busy waits for idle's server until idle is closed
                long start = System.nanoTime();
                assertEquals(1, one(busy));
                if (mode.equals("transaction")) {
                    assertTrue(millisSince(start) < 900, "transaction mode: no wait for a server");
                }
                // a client that keeps sending, and one long request, are not idle
                for (int i = 0; i < 8; i++) {
                    assertEquals(1, one(busy));
                    Thread.sleep(300);
                }
                run(busy, "SELECT pg_sleep(1.5)");
                assertEquals(1, one(busy));
            }
            SQLException e = assertThrows(SQLException.class, () -> one(idle));
            assertEquals("57P05", e.getSQLState(), () -> PgErrors.describe(e));
            assertEquals("terminating connection due to idle-session timeout", PgErrors.serverMessage(e));
        }
    }

    @Test
    void reloadAppliesANewTimeoutToConnectedClients() throws Exception {
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, config("{ client_idle_timeout: 0 }", "transaction"));
        try (Pgmux pgmux = Pgmux.startFile(file);
             AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", ADMIN_PASSWORD);
             Connection c = connect(pgmux)) {
            assertEquals(1, one(c));
            Thread.sleep(1_500);
            assertEquals(1, one(c), "no timeout configured yet");
            Files.writeString(file, config("{ client_idle_timeout: 1s }", "transaction"));
            admin.execute("RELOAD");
            assertEquals("1s", admin.query("SHOW CONFIG").one("key", "limits.client_idle_timeout").get("value"));
            Thread.sleep(2_500); // idle since its last query, now past the reloaded timeout
            SQLException e = assertThrows(SQLException.class, () -> one(c));
            assertEquals("57P05", e.getSQLState(), () -> PgErrors.describe(e));
        }
    }
}
