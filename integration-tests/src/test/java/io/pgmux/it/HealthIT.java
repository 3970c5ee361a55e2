package io.pgmux.it;

import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.PrometheusText;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /health/ready} against a PostgreSQL server of the test's own, stopped and started again:
 * ready while the only backend answers, 503 naming the backend while it is down, ready again after
 * the restart; the up/down transitions are logged once each. And 503 while pgmux shuts down.
 */
class HealthIT {
    private static final String DB = "health_it";
    private static final String USER = "health_it_user";

    static TestPostgres pg;
    static Pgmux pgmux;
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one loses its handler. */
    static final Logger HEALTH_LOG = Logger.getLogger("io.pgmux.health");
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

    @BeforeAll
    static void start() {
        pg = TestPostgres.startLocal("health-it", b -> b.bootstrapSql(
                "CREATE ROLE " + USER + " LOGIN PASSWORD '" + USER + "'", "CREATE DATABASE " + DB + " OWNER " + USER));
        HEALTH_LOG.addHandler(capture);
        pgmux = startPgmux();
    }

    private static Pgmux startPgmux() {
        return PgmuxSetup.of(pg, DB, USER).top("metrics: { listen: 127.0.0.1:0 }").top("shutdown_timeout: 20s").start();
    }

    @AfterAll
    static void stop() {
        HEALTH_LOG.removeHandler(capture);
        pgmux.close();
        pg.close();
    }

    private static HttpResponse<String> ready() {
        return PrometheusText.get(pgmux.metricsPort(), "/health/ready");
    }

    private static long transitions(String what) {
        return logged.stream().filter(r -> r.getMessage().startsWith(what)).count();
    }

    @Test
    void readinessFollowsTheOnlyBackendDownAndUpAgain() {
        HttpResponse<String> up = ready();
        assertEquals(200, up.statusCode(), up.body());
        assertTrue(up.body().contains("\"health\":\"up\""), up.body());
        long ups = transitions("backend up");
        long downs = transitions("backend down");
        assertTrue(ups >= 1, "the first probe logged the backend up");

        pg.local().orElseThrow().stop();
        HttpResponse<String> down = Eventually.await(Duration.ofSeconds(30), "503 while the primary is down",
                HealthIT::ready, r -> r.statusCode() == 503);
        assertTrue(down.body().startsWith("{\"status\":\"not ready\""), down.body());
        assertTrue(down.body().contains("database " + DB + ": primary 127.0.0.1:" + pg.port() + " is down"), down.body());
        assertEquals("application/json", down.headers().firstValue("content-type").orElse(""));
        assertEquals(0.0, PrometheusText.scrape(pgmux.metricsPort()).value("pgmux_backend_up", "database", DB));
        assertEquals(downs + 1, transitions("backend down"));
        assertEquals(Level.WARNING, logged.stream().filter(r -> r.getMessage().startsWith("backend down"))
                .findFirst().orElseThrow().getLevel());
        assertEquals(200, PrometheusText.get(pgmux.metricsPort(), "/health/live").statusCode(), "still alive");
        double failures = connectFailures();
        assertThrows(SQLException.class, () -> {
            try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
        }, "no server to run it on");
        assertTrue(connectFailures() >= failures + 1, "the failed server connect is counted");

        pg.local().orElseThrow().start();
        Eventually.await(Duration.ofSeconds(30), "200 after the restart", HealthIT::ready, r -> r.statusCode() == 200);
        assertEquals(1.0, PrometheusText.scrape(pgmux.metricsPort()).value("pgmux_backend_up", "database", DB));
        assertEquals(ups + 1, transitions("backend up"));
        assertEquals(downs + 1, transitions("backend down"), "each transition logged once, not at every probe");
    }

    private static double connectFailures() {
        return PrometheusText.scrape(pgmux.metricsPort()).find("pgmux_server_connect_failures_total", "database", DB)
                .stream().mapToDouble(PrometheusText.Sample::value).sum();
    }

    @Test
    void notReadyWhileShuttingDown() throws Exception {
        Eventually.await(Duration.ofSeconds(30), "the backend up", HealthIT::ready, r -> r.statusCode() == 200);
        try (Pgmux draining = startPgmux(); Connection c = draining.connect(DB, USER, USER); Statement st = c.createStatement()) {
            assertEquals(200, PrometheusText.get(draining.metricsPort(), "/health/ready").statusCode());
            c.setAutoCommit(false);
            st.execute("SELECT 1"); // an open transaction holds the shutdown back
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                    () -> draining.server().shutdown(Duration.ofSeconds(20)));
            HttpResponse<String> r = Eventually.await(Duration.ofSeconds(10), "503 while draining",
                    () -> PrometheusText.get(draining.metricsPort(), "/health/ready"), x -> x.statusCode() == 503);
            assertTrue(r.body().contains("shutting down"), r.body());
            c.commit();
            shutdown.get();
        }
    }
}
