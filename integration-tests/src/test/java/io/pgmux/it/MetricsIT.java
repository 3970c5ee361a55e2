package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PrometheusText;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} parsed as Prometheus text: every documented family is there with its type,
 * labels stay bounded, and values move exactly with the traffic run through pgmux.
 */
class MetricsIT {
    private static final String DB = "metrics_it";
    private static final String USER = "metrics_it_user";
    private static final String[] POOL = {"database", DB, "user", USER};

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pgmux = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: 127.0.0.1:0 }
                limits: { query_wait_timeout: 30s }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: admin }
                databases:
                  %2$s:
                    pool: { mode: transaction, size: 1 }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, pg.port()));
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    private static Connection app() throws SQLException {
        return pgmux.connect(DB, USER, USER);
    }

    private static PrometheusText scrape() {
        return PrometheusText.scrape(pgmux.metricsPort());
    }

    private static double value(String name, String... extraLabels) {
        String[] labels = new String[POOL.length + extraLabels.length];
        System.arraycopy(POOL, 0, labels, 0, POOL.length);
        System.arraycopy(extraLabels, 0, labels, POOL.length, extraLabels.length);
        return scrape().value(name, labels);
    }

    @Test
    void scrapeIsPrometheusTextWithEveryFamily() throws SQLException {
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1"); // the pool and its meters exist
        }
        HttpResponse<String> r = PrometheusText.get(pgmux.metricsPort(), "/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
        PrometheusText m = PrometheusText.parse(r.body());
        for (String gauge : List.of("pgmux_clients", "pgmux_clients_pinned", "pgmux_servers", "pgmux_pool_size",
                "pgmux_pool_paused", "pgmux_pool_maxwait_seconds", "pgmux_client_connections", "pgmux_backend_up",
                "pgmux_info")) {
            assertEquals("gauge", m.type(gauge), gauge);
        }
        for (String counter : List.of("pgmux_transactions", "pgmux_queries", "pgmux_server_assignments",
                "pgmux_client_received_bytes", "pgmux_client_sent_bytes", "pgmux_prepared_hits",
                "pgmux_prepared_misses", "pgmux_prepared_evictions", "pgmux_server_connections_opened",
                "pgmux_server_connect_failures", "pgmux_pool_wait_timeouts")) {
            // text format 0.0.4 as client_java writes it: the family is named with its _total suffix
            assertEquals("counter", m.type(counter + "_total"), counter);
            assertEquals(1, m.find(counter + "_total", POOL).size(), counter);
        }
        for (String histogram : List.of("pgmux_transaction_duration_seconds", "pgmux_query_duration_seconds",
                "pgmux_pool_wait_seconds")) {
            assertEquals("histogram", m.type(histogram), histogram);
            assertFalse(m.find(histogram + "_bucket", "database", DB, "le", "0.001").isEmpty(), histogram);
            assertEquals(1, m.find(histogram + "_count", POOL).size(), histogram);
        }
        for (String state : List.of("active", "waiting", "idle")) {
            assertEquals(1, m.find("pgmux_clients", "database", DB, "state", state).size(), state);
        }
        for (String state : List.of("active", "idle", "login")) {
            assertEquals(1, m.find("pgmux_servers", "database", DB, "state", state).size(), state);
        }
        assertEquals(1.0, m.value("pgmux_backend_up", "database", DB, "role", "primary",
                "address", "127.0.0.1:" + pg.port()));
        assertEquals(1.0, m.value("pgmux_pool_size", POOL));
        // JVM, process and Netty memory from Micrometer's binders
        Set<String> names = m.names();
        for (String binder : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
                "system_cpu_count", "netty_allocator_memory_used", "netty_eventexecutor_tasks_pending")) {
            assertTrue(names.contains(binder), binder + " missing from " + names);
        }
        assertEquals("summary", afterAGc().type("jvm_gc_pause_seconds"));
        assertTrue(m.value("netty_allocator_memory_used", "memory_type", "direct") > 0,
                "Netty's allocator holds direct memory for the sockets");
        // bounded labels only: nothing per client, per connection or per query
        Set<String> allowed = Set.of("database", "user", "backend", "state", "class", "role", "address", "version", "le");
        for (PrometheusText.Sample s : m.samples()) {
            if (s.name().startsWith("pgmux_")) {
                assertTrue(allowed.containsAll(s.labels().keySet()), s.toString());
            }
        }
    }

    @Test
    void valuesMoveExactlyWithTheTraffic() throws SQLException {
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            PrometheusText before = scrape();
            int n = 30;
            for (int i = 0; i < n; i++) {
                st.execute("SELECT " + i);
            }
            assertThrows(SQLException.class, () -> st.execute("SELECT 1/0"));
            PrometheusText after = scrape();
            assertEquals(n + 1, delta(before, after, "pgmux_transactions_total"), "each autocommit SELECT, and the failed one");
            assertEquals(n + 1, delta(before, after, "pgmux_queries_total"));
            assertEquals(n + 1, delta(before, after, "pgmux_transaction_duration_seconds_count"));
            assertEquals(n + 1, delta(before, after, "pgmux_query_duration_seconds_count"));
            assertTrue(delta(before, after, "pgmux_client_received_bytes_total") > 0);
            assertTrue(delta(before, after, "pgmux_client_sent_bytes_total") > 0);
            assertTrue(delta(before, after, "pgmux_transaction_duration_seconds_sum") > 0);
            double divisionErrors = after.value("pgmux_errors_total", "database", DB, "class", "22")
                    - before.find("pgmux_errors_total", "database", DB, "class", "22").stream()
                            .mapToDouble(PrometheusText.Sample::value).sum();
            assertEquals(1.0, divisionErrors, "22012 division_by_zero is class 22");
        }
    }

    /** A scrape once the JVM has reported a GC: the GC pause summary is registered at the first one. */
    private static PrometheusText afterAGc() {
        System.gc();
        return Eventually.await(Duration.ofSeconds(10), "a GC reported to the metrics", MetricsIT::scrape,
                m -> m.type("jvm_gc_pause_seconds") != null);
    }

    private static double delta(PrometheusText before, PrometheusText after, String name) {
        return after.value(name, POOL) - before.value(name, POOL);
    }

    @Test
    void connectionGaugesAndWaitHistogramFollowAnOpenTransactionAndAWaiter() throws Exception {
        try (Connection holder = app(); Statement st = holder.createStatement(); Connection waiter = app()) {
            holder.setAutoCommit(false);
            st.execute("SELECT 1"); // holds the pool's only server connection
            assertEquals(1.0, value("pgmux_servers", "state", "active"));
            assertEquals(1.0, value("pgmux_clients", "state", "active"));
            double waitsBefore = value("pgmux_pool_wait_seconds_count");
            CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> {
                try (Statement w = waiter.createStatement()) {
                    w.execute("SELECT 2");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Eventually.await(Duration.ofSeconds(10), "a client waiting", () -> value("pgmux_clients", "state", "waiting"),
                    v -> v == 1.0);
            assertTrue(value("pgmux_pool_maxwait_seconds") > 0, "the oldest waiter's wait");
            holder.commit();
            queued.get(10, TimeUnit.SECONDS);
            assertEquals(waitsBefore + 1, value("pgmux_pool_wait_seconds_count"));
            assertEquals(0.0, value("pgmux_clients", "state", "waiting"));
            assertEquals(0.0, value("pgmux_pool_maxwait_seconds"));
            assertEquals(0.0, value("pgmux_servers", "state", "active"));
            assertEquals(1.0, value("pgmux_servers", "state", "idle"));
            st.execute("SET statement_timeout = '1min'"); // session state pins the holder
            assertEquals(1.0, value("pgmux_clients_pinned"));
        }
    }

    @Test
    void preparedCacheAssignmentsConnectionsPauseAndWaitTimeoutsMove() throws Exception {
        try (AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", "admin")) {
            PrometheusText before = scrape();
            Properties named = new Properties();
            named.setProperty("prepareThreshold", "1"); // named statements: pgmux's statement cache
            int n = 6;
            try (Connection c = pgmux.connect(DB, USER, USER, named);
                 PreparedStatement ps = c.prepareStatement("SELECT ?::int + 1 AS metrics_prepared")) {
                assertEquals(before.value("pgmux_client_connections") + 1, scrape().value("pgmux_client_connections"),
                        "the client's connection is counted while open");
                for (int i = 0; i < n; i++) {
                    ps.setInt(1, i);
                    ps.executeQuery().close();
                }
            }
            PrometheusText after = scrape();
            double misses = delta(before, after, "pgmux_prepared_misses_total");
            double hits = delta(before, after, "pgmux_prepared_hits_total");
            assertTrue(misses >= 1, "prepared on the server once at least: " + misses);
            assertTrue(hits >= 1 && hits + misses >= n, "each execution found or prepared it: " + hits + "/" + misses);
            assertTrue(delta(before, after, "pgmux_server_assignments_total") >= n, "a server for each transaction");

            admin.execute("PAUSE " + DB);
            PrometheusText paused = scrape();
            assertEquals(1.0, paused.value("pgmux_pool_paused", POOL));
            assertEquals(0.0, paused.value("pgmux_servers", "database", DB, "user", USER, "state", "idle"),
                    "PAUSE closed the idle server connection");
            admin.execute("RESUME " + DB);
            assertEquals(0.0, value("pgmux_pool_paused"));
            try (Connection c = app(); Statement st = c.createStatement()) {
                st.execute("SELECT 1"); // the pool opens a new connection after the PAUSE closed it
            }
            assertEquals(1.0, delta(paused, scrape(), "pgmux_server_connections_opened_total"));

            admin.execute("SET limits.query_wait_timeout = '300ms'");
            try (Connection holder = app(); Statement hs = holder.createStatement();
                 Connection waiter = app(); Statement ws = waiter.createStatement()) {
                holder.setAutoCommit(false);
                hs.execute("SELECT 1"); // the pool's only server connection
                double timeouts = value("pgmux_pool_wait_timeouts_total");
                assertThrows(SQLException.class, () -> ws.execute("SELECT 2"), "query_wait_timeout");
                assertEquals(timeouts + 1, value("pgmux_pool_wait_timeouts_total"));
                holder.commit();
            } finally {
                admin.execute("SET limits.query_wait_timeout = '30s'");
            }
        }
    }

    @Test
    void theDashboardAndTheDocsNameOnlyMetricsThatExist() throws Exception {
        try (Connection c = app(); Statement st = c.createStatement()) {
            assertThrows(SQLException.class, () -> st.execute("SELECT 1/0")); // pgmux_errors_total appears at the first error
        }
        PrometheusText m = afterAGc();
        Set<String> scraped = new java.util.TreeSet<>();
        for (String name : m.names()) {
            scraped.add(name.replaceAll("_(bucket|count|sum)$", ""));
        }
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("../docker/grafana-dashboard.json"));
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/metrics.md"));
        var used = java.util.regex.Pattern.compile("\\b(pgmux|jvm|process|system|netty)_[a-z0-9_]+").matcher(dashboard);
        while (used.find()) {
            String name = used.group().replaceAll("_(bucket|count|sum)$", "");
            // a family without samples yet (a GC summary before the first GC) still has its TYPE line;
            // one this setup cannot have (replica lag: no replicas here) must be a documented metric
            assertTrue(scraped.contains(name) || m.type(name) != null
                            || name.startsWith("pgmux_replica_lag_") && docs.contains("`" + name + "`"),
                    "the dashboard uses " + name + ", which /metrics does not have");
        }
        for (String name : scraped) {
            if (name.startsWith("pgmux_") && !name.endsWith("_max")) {
                assertTrue(docs.contains("`" + name + "`"), "docs/metrics.md does not describe " + name);
            }
        }
    }

    @Test
    void healthLiveAndUnknownPaths() {
        HttpResponse<String> live = PrometheusText.get(pgmux.metricsPort(), "/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("{\"status\":\"up\"}", live.body());
        assertEquals("application/json", live.headers().firstValue("content-type").orElse(""));
        HttpResponse<String> ready = PrometheusText.get(pgmux.metricsPort(), "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().startsWith("{\"status\":\"ready\",\"reasons\":[]"), ready.body());
        assertEquals(404, PrometheusText.get(pgmux.metricsPort(), "/nope").statusCode());
        assertEquals(404, PrometheusText.get(pgmux.metricsPort(), "/metrics/extra").statusCode());
    }
}
