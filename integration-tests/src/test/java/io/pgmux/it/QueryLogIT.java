package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * log.queries (one line per query) and log.slow_query_threshold, in session and transaction mode,
 * switched at run time with SET; passwords in role statements never reach the log.
 */
class QueryLogIT {
    private static final String USER = "querylog_user";
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one loses its handler. */
    static final Logger QUERY_LOG = Logger.getLogger("io.pgmux.query");
    static final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    static final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static TestPostgres pg;
    static Pgmux pgmux;
    static AdminSql admin;

    @BeforeAll
    static void start() throws SQLException {
        pg = SharedPostgres.get();
        pg.createDatabase("querylog_tx", USER);
        pg.createDatabase("querylog_session", USER);
        QUERY_LOG.addHandler(capture);
        pgmux = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: off }
                log: { queries: true, slow_query_threshold: 300ms }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: admin }
                databases:
                  querylog_tx:
                    pool: { mode: transaction, size: 2 }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%2$d/querylog_tx
                  querylog_session:
                    pool: { mode: session, size: 2 }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%2$d/querylog_session
                """.formatted(USER, pg.port()));
        admin = AdminSql.connect(pgmux.adminPort(), "admin", "admin");
    }

    @AfterAll
    static void stop() throws SQLException {
        QUERY_LOG.removeHandler(capture);
        admin.close();
        pgmux.close();
    }

    @BeforeEach
    void clear() throws SQLException {
        admin.execute("SET log.queries = true");
        admin.execute("SET log.slow_query_threshold = 300ms");
        logged.clear();
    }

    private static List<String> lines(String containing) {
        return logged.stream().map(LogRecord::getMessage).filter(m -> m.contains(containing)).toList();
    }

    @Test
    void oneLinePerQueryInBothModes() throws SQLException {
        for (String db : List.of("querylog_tx", "querylog_session")) {
            try (Connection c = pgmux.connect(db, USER, USER); Statement st = c.createStatement()) {
                st.execute("SELECT 4242 AS marker_" + db);
                try (PreparedStatement ps = c.prepareStatement("SELECT ? AS prepared_" + db)) {
                    ps.setInt(1, 7);
                    ps.executeQuery().close();
                }
            }
            List<String> simple = lines("marker_" + db);
            assertEquals(1, simple.size(), db + ": " + logged);
            assertTrue(simple.get(0).startsWith("query ("), simple.get(0));
            assertTrue(simple.get(0).contains(USER + "@" + db + " from /127.0.0.1:"), simple.get(0));
            assertEquals(1, lines("prepared_" + db).size(), "extended protocol: the Parse's SQL: " + logged);
        }
        assertTrue(logged.stream().allMatch(r -> r.getLevel() == Level.INFO), "no query was slow");
    }

    @Test
    void slowQueriesAreLoggedAsWarningsEvenWithoutTheQueryLog() throws SQLException {
        admin.execute("SET log.queries = off");
        try (Connection c = pgmux.connect("querylog_session", USER, USER); Statement st = c.createStatement()) {
            st.execute("SELECT 1 AS fast_one");
            st.execute("SELECT pg_sleep(0.4), 'slow_one'");
        }
        assertTrue(lines("fast_one").isEmpty(), "only slow queries: " + logged);
        List<LogRecord> slow = logged.stream().filter(r -> r.getMessage().contains("slow_one")).toList();
        assertEquals(1, slow.size(), logged.toString());
        assertEquals(Level.WARNING, slow.get(0).getLevel());
        assertTrue(slow.get(0).getMessage().startsWith("slow query ("), slow.get(0).getMessage());
        assertTrue(slow.get(0).getMessage().contains("threshold 300 ms"), slow.get(0).getMessage());

        admin.execute("SET log.slow_query_threshold = 0");
        logged.clear();
        try (Connection c = pgmux.connect("querylog_session", USER, USER); Statement st = c.createStatement()) {
            st.execute("SELECT pg_sleep(0.4), 'not_logged'");
        }
        assertTrue(logged.isEmpty(), "both off: nothing logged: " + logged);
    }

    @Test
    void withoutALogBlockQueriesAreNotLoggedButSlowOnesAreFromOneSecond() throws SQLException {
        try (Pgmux defaults = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: off }
                metrics: { listen: off }
                users:
                  - { name: %1$s, password: %1$s }
                databases:
                  querylog_tx:
                    primary: postgres://%1$s:%1$s@127.0.0.1:%2$d/querylog_tx
                """.formatted(USER, pg.port()));
             Connection c = defaults.connect("querylog_tx", USER, USER); Statement st = c.createStatement()) {
            st.execute("SELECT 1 AS default_fast");
            st.execute("SELECT pg_sleep(0.5), 'default_half_second'");
            st.execute("SELECT pg_sleep(1.05), 'default_slow'");
        }
        assertTrue(lines("default_fast").isEmpty() && lines("default_half_second").isEmpty(),
                "no per-query log by default, and 0.5 s is under the default threshold: " + logged);
        List<LogRecord> slow = logged.stream().filter(r -> r.getMessage().contains("default_slow")).toList();
        assertEquals(1, slow.size(), logged.toString());
        assertEquals(Level.WARNING, slow.get(0).getLevel());
        assertTrue(slow.get(0).getMessage().startsWith("slow query ("), slow.get(0).getMessage());
        assertTrue(slow.get(0).getMessage().contains("threshold 1000 ms"), slow.get(0).getMessage());
    }

    @Test
    void passwordsNeverReachTheLog() throws SQLException {
        try (Connection c = pgmux.connect("querylog_tx", USER, USER); Statement st = c.createStatement()) {
            // refused (no CREATEROLE), but sent, so logged: the literal must be masked
            assertThrows(SQLException.class, () -> st.execute("CREATE ROLE someone LOGIN PASSWORD 'hunter2'"));
        }
        List<String> line = lines("CREATE ROLE someone");
        assertEquals(1, line.size(), logged.toString());
        assertTrue(line.get(0).contains("PASSWORD '***'"), line.get(0));
        assertFalse(logged.stream().anyMatch(r -> r.getMessage().contains("hunter2")), logged.toString());
    }
}
