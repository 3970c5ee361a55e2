package io.pgmux.it;

import io.pgmux.demo.LocalPostgres;
import io.pgmux.it.support.LogCapture;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code auth_query}: users that are not in pgmux's {@code users:} are looked up on a real server
 * (whose {@code pg_hba.conf} demands passwords: {@code md5}, which runs SCRAM for roles with a
 * SCRAM verifier) through a SECURITY DEFINER function, as PgBouncer recommends. pgmux holds no
 * password of theirs, so the server's own log proves it logged in as them with the ClientKey
 * recovered from their SCRAM proof (or with the MD5 hash).
 */
class AuthQueryIT {
    private static final String DB = "aq";
    private static final String TTL = "1s";

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = TestPostgres.startLocal("authquery", b -> b
                .hostAuth("md5")
                .passwordEncryption("scram-sha-256")
                .setting("log_connections", "on"));
        pg.sql("postgres",
                "CREATE ROLE pgmux_auth LOGIN PASSWORD 'auth pw'",
                "SET password_encryption = 'scram-sha-256'",
                "CREATE ROLE alice LOGIN PASSWORD 'alice pw'",
                "CREATE ROLE carol LOGIN PASSWORD 'carol old'",
                "CREATE ROLE nopass LOGIN",
                "CREATE ROLE dave LOGIN PASSWORD 'dave pw'",
                "SET password_encryption = 'md5'",
                "CREATE ROLE bob LOGIN PASSWORD 'bob pw'",
                "CREATE DATABASE " + DB);
        pg.sql(DB,
                "CREATE FUNCTION public.pgmux_lookup(p_usename text, OUT usename name, OUT passwd text)"
                        + " RETURNS record LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS"
                        + " $$ SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = p_usename $$",
                "REVOKE ALL ON FUNCTION public.pgmux_lookup(text) FROM PUBLIC",
                "GRANT EXECUTE ON FUNCTION public.pgmux_lookup(text) TO pgmux_auth",
                "CREATE TABLE counter (who text, n int)",
                "GRANT ALL ON counter TO PUBLIC");
        assertTrue(pg.queryString("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'")
                .startsWith("SCRAM-SHA-256$"));
        assertTrue(pg.queryString("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'bob'").startsWith("md5"));
        String daveVerifier = pg.queryString("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'dave'");
        pgmux = Pgmux.start("""
                users:
                  - { name: app, password: app }
                  - { name: dave, password: "%s" }
                auth_query:
                  user: pgmux_auth
                  password: auth pw
                  query: SELECT * FROM pgmux_lookup($1)
                  cache_ttl: %s
                databases:
                  %s:
                    pool: { mode: transaction, size: 2 }
                    primary: postgres://127.0.0.1:%d/%s
                """.formatted(daveVerifier, TTL, DB, pg.port(), DB));
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static String serverLog() {
        LocalPostgres local = pg.local().orElseThrow();
        return local.logTail(2000);
    }

    @Test
    void scramUserNotInTheConfigWorksInTransactionModeWithSeveralClients() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                done.add(pool.submit(() -> {
                    try (Connection c = pgmux.connect(DB, "alice", "alice pw")) {
                        assertEquals("alice", currentUser(c));
                        c.setAutoCommit(false);
                        int n = 0;
                        for (int j = 0; j < 15; j++) {
                            try (Statement st = c.createStatement()) {
                                st.executeUpdate("INSERT INTO counter VALUES ('alice', " + j + ")");
                                try (ResultSet rs = st.executeQuery("SELECT current_user")) {
                                    rs.next();
                                    assertEquals("alice", rs.getString(1));
                                }
                            }
                            c.commit();
                            n++;
                        }
                        return n;
                    }
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(15, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("60", pg.queryString(DB, "SELECT count(*) FROM counter WHERE who = 'alice'"));
        String log = serverLog();
        // pgmux knows no password of alice's: it logged in with the ClientKey from her SCRAM proof (the
        // server logs its hba line's method, md5, but runs SCRAM for a role with a SCRAM verifier)
        assertTrue(log.contains("connection authenticated: identity=\"alice\""), log);
        assertTrue(log.contains("connection authorized: user=pgmux_auth database=" + DB), log);
    }

    @Test
    void wrongPasswordAndUnknownUserFailAlike() {
        SQLException wrong = assertThrows(SQLException.class, () -> pgmux.connect(DB, "alice", "not it").close());
        assertEquals("28P01", wrong.getSQLState(), () -> PgErrors.describe(wrong));
        assertEquals("password authentication failed for user \"alice\"", PgErrors.serverMessage(wrong));
        SQLException unknown = assertThrows(SQLException.class, () -> pgmux.connect(DB, "nobody", "whatever").close());
        assertEquals("28P01", unknown.getSQLState(), () -> PgErrors.describe(unknown));
        assertEquals("password authentication failed for user \"nobody\"", PgErrors.serverMessage(unknown));
        SQLException noPassword = assertThrows(SQLException.class, () -> pgmux.connect(DB, "nopass", "x").close());
        assertEquals("28P01", noPassword.getSQLState(), () -> PgErrors.describe(noPassword));
        // a quote in the name reaches the query as data, not SQL
        SQLException quoted = assertThrows(SQLException.class,
                () -> pgmux.connect(DB, "x' OR usename = 'alice", "alice pw").close());
        assertEquals("28P01", quoted.getSQLState(), () -> PgErrors.describe(quoted));
    }

    @Test
    void aConfiguredVerifierUserLogsInToTheServerAsItself() throws SQLException {
        // dave is in users: with only his SCRAM verifier, and the URL names no user
        try (Connection c = pgmux.connect(DB, "dave", "dave pw")) {
            assertEquals("dave", currentUser(c));
        }
    }

    @Test
    void noVerifierOrPasswordInPgmuxLogs() throws SQLException {
        try (LogCapture log = LogCapture.of("io.pgmux", Level.ALL)) {
            pgmux.server().pools().forEach(p -> p.closeAll());
            try (Connection c = pgmux.connect(DB, "alice", "alice pw")) {
                assertEquals("alice", currentUser(c));
            }
            assertThrows(SQLException.class, () -> pgmux.connect(DB, "alice", "not it").close());
            for (LogRecord r : log.records()) {
                String text = r.getMessage() + " " + r.getThrown();
                assertFalse(text.contains("SCRAM-SHA-256$") || text.contains("alice pw") || text.contains("auth pw")
                        || text.contains("md5"), text);
            }
        }
    }

    @Test
    void md5UserWorks() throws SQLException {
        try (Connection c = pgmux.connect(DB, "bob", "bob pw")) {
            assertEquals("bob", currentUser(c));
        }
        String log = serverLog();
        assertTrue(log.contains("connection authenticated: identity=\"bob\" method=md5"), log);
        SQLException wrong = assertThrows(SQLException.class, () -> pgmux.connect(DB, "bob", "bob pw?").close());
        assertEquals("28P01", wrong.getSQLState(), () -> PgErrors.describe(wrong));
    }

    @Test
    void aPasswordChangedOnTheServerTakesEffect() throws Exception {
        try (Connection c = pgmux.connect(DB, "carol", "carol old")) {
            assertEquals("carol", currentUser(c));
        }
        pg.sql("postgres", "SET password_encryption = 'scram-sha-256'", "ALTER ROLE carol PASSWORD 'carol new'");
        // within the TTL the cached verifier may refuse the new password once; that drops it from the cache
        Connection c;
        try {
            c = pgmux.connect(DB, "carol", "carol new");
        } catch (SQLException e) {
            assertEquals("28P01", e.getSQLState(), () -> PgErrors.describe(e));
            c = pgmux.connect(DB, "carol", "carol new");
        }
        try (Connection first = c) {
            assertEquals("carol", currentUser(first));
        }
        SQLException old = assertThrows(SQLException.class, () -> pgmux.connect(DB, "carol", "carol old").close());
        assertEquals("28P01", old.getSQLState(), () -> PgErrors.describe(old));

        // after the TTL the new verifier is looked up without any failed attempt; new server logins use it
        pg.sql("postgres", "ALTER ROLE carol PASSWORD 'carol newer'");
        Thread.sleep(1500);
        pgmux.server().pools().forEach(p -> p.closeAll());
        try (Connection again = pgmux.connect(DB, "carol", "carol newer")) {
            assertEquals("carol", currentUser(again));
        }
    }
}
