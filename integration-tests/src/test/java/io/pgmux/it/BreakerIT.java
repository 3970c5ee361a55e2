package io.pgmux.it;

import io.pgmux.demo.LocalPostgres;
import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.LogCapture;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PrometheusText;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Circuit breakers on real servers: a backend that hangs (accepts TCP, never answers) opens its
 * breaker after {@code failure_threshold} connect timeouts, or by its health checks' timeouts with no
 * client asking, and then clients fail at once instead of waiting out the timeout; a PostgreSQL server stopped and started again opens and then closes
 * its breaker by itself; clients' own SQL errors never count.
 */
class BreakerIT {
    private static final String DB = "breaker_it";
    private static final String USER = "breaker_user";
    private static final String ADMIN_PASSWORD = "breaker-admin";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static TestPostgres pg;
    static ServerSocket hung;
    static final List<Socket> accepted = new CopyOnWriteArrayList<>();
    static Pgmux pgmux;

    @BeforeAll
    static void start() throws IOException {
        pg = TestPostgres.startLocal("breaker", b -> b.bootstrapSql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + USER + "'",
                "CREATE DATABASE " + DB + " OWNER " + USER).bootstrapSqlIn(DB, "SET ROLE " + USER
                + "; CREATE TABLE t(id int PRIMARY KEY)"));
        hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!hung.isClosed()) {
                try {
                    accepted.add(hung.accept()); // held open, never answered
                } catch (IOException e) {
                    return;
                }
            }
        }, "hung-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        pgmux = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: 127.0.0.1:0 }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: %2$s }
                breaker_defaults: { failure_threshold: 2, open_timeout: 1s, max_open_timeout: 2s, half_open_probes: 1 }
                databases:
                  %3$s:
                    pool: { mode: transaction, size: 2, connect_timeout: 1s }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%4$d/%3$s
                  hung:
                    pool: { mode: transaction, size: 2, connect_timeout: 1s }
                    breaker: { open_timeout: 30s, max_open_timeout: 60s }   # stays open for the whole test
                    primary: postgres://%1$s:%1$s@127.0.0.1:%5$d/%3$s
                  hung_unchecked:
                    pool: { mode: transaction, size: 2, connect_timeout: 1s }
                    breaker: { open_timeout: 30s, max_open_timeout: 60s }
                    # its first health check hangs for the whole test: only connection attempts count
                    routing: { health_check_interval: 1h, health_check_timeout: 1h }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%5$d/%3$s
                """.formatted(USER, ADMIN_PASSWORD, DB, pg.port(), hung.getLocalPort()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (pgmux != null) {
            pgmux.close();
        }
        if (hung != null) {
            hung.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static AdminSql admin() throws SQLException {
        return AdminSql.connect(pgmux.adminPort(), "admin", ADMIN_PASSWORD);
    }

    private static Map<String, String> breaker(AdminSql admin, String database) throws SQLException {
        return admin.query("SHOW BREAKERS").one("database", database);
    }

    /** Connects to {@code database} and runs a query; returns the failure, or null when it worked. */
    private static SQLException attempt(String database) {
        try (Connection c = pgmux.connect(database, USER, USER, Jdbc.props()); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    @Test
    void aHungBackendOpensItsBreakerAndThenClientsFailAtOnce() throws SQLException {
        // connection attempts are calls: two connect timeouts open it (failure_threshold: 2), logged once
        try (LogCapture log = LogCapture.of("io.pgmux.resilience", java.util.logging.Level.INFO)) {
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                SQLException e = attempt("hung_unchecked");
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e != null, "the hung backend cannot serve");
                assertTrue(ms >= 900, "attempt " + i + " waited out the 1 s connect timeout: " + ms + " ms");
            }
            var opened = log.startingWith("circuit breaker of hung_unchecked/");
            assertEquals(1, opened.size(), "one line for the transition: " + log.records());
            assertTrue(opened.get(0).getMessage().contains("127.0.0.1:" + hung.getLocalPort())
                    && opened.get(0).getMessage().contains(": closed -> open ("), opened.get(0).getMessage());
            assertEquals(java.util.logging.Level.WARNING, opened.get(0).getLevel());
        }
        try (AdminSql admin = admin()) {
            assertEquals("open", breaker(admin, "hung_unchecked").get("state"));
            assertEquals("1", breaker(admin, "hung_unchecked").get("opens"));
        }
        assertFailsAtOnce("hung_unchecked");

        // health checks are calls too: their timeouts open it with no client asking
        Eventually.await(TIMEOUT, "the hung backend's breaker open by its health checks", () -> Jdbc.unchecked(
                () -> breakerStateOf("hung")), "open"::equals);
        try (AdminSql admin = admin()) {
            assertTrue(breaker(admin, "hung").get("last_failure").contains("health check"), breaker(admin, "hung").toString());
        }
        PrometheusText metrics = PrometheusText.scrape(pgmux.metricsPort());
        assertEquals(2.0, metrics.value("pgmux_breaker_state", "database", "hung"), "open");
        assertEquals(0.0, metrics.value("pgmux_breaker_state", "database", DB), "closed");
        assertFailsAtOnce("hung");
        assertEquals("closed", breakerStateOf(DB), "the other database's breaker is its own");
    }

    private static void assertFailsAtOnce(String database) {
        long start = System.nanoTime();
        SQLException e = attempt(database);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e != null && e.getMessage().contains("circuit breaker open"), String.valueOf(e));
        assertEquals("08006", e.getSQLState());
        assertTrue(ms < 500, "an open breaker answers without a connect attempt: " + ms + " ms");
    }

    private static String breakerStateOf(String database) throws SQLException {
        try (AdminSql admin = admin()) {
            return breaker(admin, database).get("state");
        }
    }

    @Test
    void clientSqlErrorsNeverCountAndAStoppedServerRecoversByItself() throws Exception {
        try (Connection c = pgmux.connect(DB, USER, USER, Jdbc.props()); Statement st = c.createStatement()) {
            st.execute("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING");
            for (int i = 0; i < 200; i++) {
                int n = i;
                assertThrows(SQLException.class, () -> st.execute(n % 2 == 0 ? "SELEC 1" : "INSERT INTO t VALUES (1)"));
            }
        }
        try (AdminSql admin = admin()) {
            assertEquals("closed", breaker(admin, DB).get("state"));
            assertEquals("0", breaker(admin, DB).get("failures"), "syntax errors and unique violations are the client's");
        }
        LocalPostgres server = pg.local().orElseThrow();
        server.stop();
        try {
            Eventually.await(TIMEOUT, "the stopped server's breaker open", () -> {
                attempt(DB);
                return Jdbc.unchecked(() -> breakerStateOf(DB));
            }, "open"::equals);
            SQLException e = attempt(DB);
            assertTrue(e != null && e.getMessage().contains("circuit breaker open"), String.valueOf(e));
        } finally {
            server.start();
        }
        // after open_timeout a probe goes through, succeeds, and the breaker closes
        Eventually.await(TIMEOUT, "a query through the recovered server", () -> attempt(DB) == null, ok -> ok);
        assertEquals("closed", breakerStateOf(DB));
    }
}
