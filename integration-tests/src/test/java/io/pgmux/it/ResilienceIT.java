package io.pgmux.it;

import io.pgmux.demo.LocalPostgres;
import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PostgresCluster;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7's fault tests on real PostgreSQL (a primary and a streaming replica): the primary stopped
 * under the load of 200 clients opens its breaker, writes then fail fast while reads keep going to
 * the replica and {@code /health/ready} says "degraded"; started again, the breaker closes by
 * itself and the load goes on, and every transaction that got a COMMIT success is in the table. A
 * slow server trips the latency rule; clients' SQL errors at a high rate never open a breaker; a
 * RELOAD under load changes the pool size without a client error.
 */
class ResilienceIT {
    private static final String DB = "resilience_it";
    private static final String USER = "resilience_user";
    private static final String ADMIN_PASSWORD = "resilience-admin";
    private static final int CLIENTS = 200;
    /** The load clients' user: cleartext password, so 200 clients reconnecting cost no SCRAM rounds. */
    private static final String LOADER = "resilience_loader";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    static PostgresCluster cluster;
    final List<AutoCloseable> opened = new ArrayList<>();
    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.start("resilience", 1, b -> b
                .bootstrapSql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + USER + "'",
                        "CREATE ROLE " + LOADER + " LOGIN PASSWORD '" + LOADER + "' IN ROLE " + USER,
                        "CREATE DATABASE " + DB + " OWNER " + USER)
                .bootstrapSqlIn(DB, "SET ROLE " + USER
                        + "; CREATE TABLE ledger(client int, seq int, PRIMARY KEY (client, seq))"
                        + "; CREATE TABLE counters(id int PRIMARY KEY, n bigint NOT NULL)"
                        + "; INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    private static String url(TestPostgres server) {
        return "postgres://%1$s:%1$s@127.0.0.1:%2$d/%3$s".formatted(USER, server.port(), DB);
    }

    /** pgmux with an admin console and metrics, {@link #DB} over the primary and its replica, and {@code extra} YAML under databases. */
    private String config(int poolSize, String extra) {
        return """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: 127.0.0.1:0 }
                log: { queries: false }
                limits: { query_wait_timeout: 20s, max_client_connections: 1000 }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: %8$s, password: %8$s, auth: password }
                  - { name: admin, password: %2$s }
                breaker_defaults: { failure_threshold: 3, open_timeout: 2s, max_open_timeout: 3s, half_open_probes: 1 }
                databases:
                  %3$s:
                    pool: { mode: transaction, size: %4$d, connect_timeout: 2s }
                    primary: %5$s
                    replicas: [ %6$s ]
                    routing: { health_check_interval: 200ms, health_check_timeout: 10s }
                %7$s""".formatted(USER, ADMIN_PASSWORD, DB, poolSize, url(cluster.primary()), url(cluster.replica(1)), extra, LOADER);
    }

    private Pgmux pgmux(String yaml) {
        Pgmux p = Pgmux.start(yaml);
        opened.add(p);
        return p;
    }

    private AdminSql admin(Pgmux p) throws SQLException {
        AdminSql a = AdminSql.connect(p.adminPort(), "admin", ADMIN_PASSWORD);
        opened.add(a);
        return a;
    }

    private static Map<String, String> breaker(AdminSql admin, String database, String role) throws SQLException {
        return admin.query("SHOW BREAKERS").where("database", database).stream()
                .filter(r -> role.equals(r.get("role"))).findFirst().orElseThrow();
    }

    private static String breakerState(Pgmux p, String database, String role) {
        try (AdminSql a = AdminSql.connect(p.adminPort(), "admin", ADMIN_PASSWORD)) {
            return breaker(a, database, role).get("state");
        } catch (SQLException e) {
            return "admin console: " + e.getMessage();
        }
    }

    /** {@code /health/ready}: status code, then body. */
    private static String[] ready(Pgmux p) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + p.metricsPort() + "/health/ready")
                .toURL().openConnection();
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new String[] {Integer.toString(status), new String(in.readAllBytes(), StandardCharsets.UTF_8)};
            }
        } finally {
            c.disconnect();
        }
    }

    private static String[] readyOrError(Pgmux p) {
        try {
            return ready(p);
        } catch (IOException e) {
            return new String[] {"0", e.toString()};
        }
    }

    /** One error a load client saw: when, and what. */
    private record Failure(long atNanos, String sqlState, String message) {
    }

    /**
     * {@link #CLIENTS} clients, each inserting (client, seq) rows one autocommit transaction at a
     * time, remembering every insert that returned success; after an error a client reconnects.
     */
    private static final class Load implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        /** Holds the clients that lost their connection before they reconnect (quiet for a measurement). */
        final AtomicBoolean hold = new AtomicBoolean();
        final AtomicLong successes = new AtomicLong();
        final Set<Long> committed = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();

        Load(Pgmux p, int clients) {
            for (int i = 0; i < clients; i++) {
                int client = i;
                Thread t = new Thread(() -> run(p, client), "load-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void run(Pgmux p, int client) {
            int seq = 0;
            while (running.get()) {
                try (Connection c = p.connect(DB, LOADER, LOADER, Jdbc.props()); Statement st = c.createStatement()) {
                    while (running.get()) {
                        int s = seq++; // never reused: an insert whose answer was lost may have committed
                        st.execute("INSERT INTO ledger VALUES (" + client + ", " + s + ")");
                        committed.add(key(client, s));
                        successes.incrementAndGet();
                    }
                } catch (SQLException e) {
                    failures.add(new Failure(System.nanoTime(), e.getSQLState(), e.getMessage()));
                    Eventually.pause(100); // a client's own reconnect backoff
                    while (hold.get() && running.get()) {
                        Eventually.pause(20);
                    }
                }
            }
        }

        static long key(int client, int seq) {
            return ((long) client << 32) | seq;
        }

        List<Failure> failuresAfter(long nanos) {
            return failures.stream().filter(f -> f.atNanos() - nanos > 0).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    @Test
    void thePrimaryStoppedUnderLoadFailsFastServesReadsAndRecoversLosingNoCommit() throws Exception {
        Pgmux p = pgmux(config(10, ""));
        AdminSql admin = admin(p);
        Load load = new Load(p, CLIENTS);
        opened.add(load);
        Eventually.await(TIMEOUT, "the load running", () -> load.successes.get() >= 2_000);
        assertEquals(List.of(), List.copyOf(load.failures), "no error before the fault");
        assertEquals("closed", breaker(admin, DB, "primary").get("state"));

        // clients connected before the fault, for the fast-failure and read checks
        List<Connection> idle = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Connection c = p.connect(DB, USER, USER, Jdbc.props());
            opened.add(c);
            idle.add(c);
        }
        Connection reader = p.connect(DB, USER, USER, Jdbc.props());
        opened.add(reader);

        LocalPostgres primary = cluster.primary().local().orElseThrow();
        long stoppedAt = System.nanoTime();
        long openedMs;
        primary.stop();
        long recoveredAt;
        try {
            Eventually.await(Duration.ofSeconds(20), "the primary's breaker open", () -> breakerState(p, DB, "primary"),
                    "open"::equals);
            openedMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            Map<String, String> row = breaker(admin, DB, "primary");
            assertTrue(Long.parseLong(row.get("failures")) >= 3, "opened on failure_threshold failures: " + row);
            assertTrue(openedMs < 15_000, "opened " + openedMs + " ms after the stop");

            // a write fails at once, naming the server, instead of waiting out connect_timeout (2 s);
            // measured while the load's clients hold their reconnects (their logins are the test's
            // own load on a 2-core machine, not pgmux's answer time)
            load.hold.set(true);
            Eventually.pause(300);
            long[] ms = new long[idle.size()];
            for (int i = 0; i < idle.size(); i++) {
                long start = System.nanoTime();
                SQLException e = null;
                try (Statement st = idle.get(i).createStatement()) {
                    st.execute("INSERT INTO ledger VALUES (-1, " + i + ")");
                } catch (SQLException x) {
                    e = x;
                }
                ms[i] = (System.nanoTime() - start) / 1_000_000;
                assertNotNull(e, "a write with the primary down fails");
                assertEquals("08006", e.getSQLState(), e.getMessage());
                // open: refused at once; half-open: this client's request is the probe, refused by the server
                assertTrue(e.getMessage().contains("circuit breaker open") || e.getMessage().contains("could not connect"),
                        e.getMessage());
            }
            load.hold.set(false);
            Arrays.sort(ms);
            assertTrue(ms[ms.length / 2] <= 50, "median time to the error: " + Arrays.toString(ms) + " ms");
            assertTrue(ms[ms.length - 1] < 1_000, "slowest error: " + Arrays.toString(ms) + " ms");

            // reads keep being served by the replica, and the database is degraded, not down
            reader.setAutoCommit(false);
            reader.setReadOnly(true);
            assertEquals("t", Jdbc.one(reader, "SELECT pg_is_in_recovery()"));
            assertTrue(Long.parseLong(Jdbc.one(reader, "SELECT count(*) FROM counters")) == 10);
            reader.commit();
            String[] health = Eventually.await(Duration.ofSeconds(20), "/health/ready degraded",
                    () -> readyOrError(p), r -> r[1].contains("\"degraded\""));
            assertEquals("200", health[0], health[1]);
            assertTrue(health[1].contains("\"status\":\"degraded\""), health[1]);
            assertEquals("closed", breaker(admin, DB, "replica1").get("state"), "the replica's breaker is its own");
        } finally {
            primary.start();
        }
        long startedAt = System.nanoTime();
        Eventually.await(TIMEOUT, "the primary's breaker closed by itself", () -> breakerState(p, DB, "primary"),
                "closed"::equals);
        recoveredAt = System.nanoTime();
        long closedMs = (recoveredAt - startedAt) / 1_000_000;
        long atClose = load.successes.get();
        Eventually.await(TIMEOUT, "the load going again", () -> load.successes.get() >= atClose + 2_000);
        load.close();

        assertTrue(closedMs < 3_000 + 15_000, "closed " + closedMs + " ms after the restart (max_open_timeout 3 s)");
        // clients whose transaction was cut off reconnect; after a short grace nobody sees an error
        List<Failure> late = load.failuresAfter(recoveredAt + 3_000_000_000L);
        assertEquals(List.of(), late, "errors once the breaker had closed");
        List<Failure> before = load.failures.stream().filter(f -> f.atNanos() - stoppedAt < 0).toList();
        assertEquals(List.of(), before, "errors before the stop");

        System.out.printf("ResilienceIT: breaker opened %d ms after the stop, closed %d ms after the restart;"
                + " %d transactions acknowledged, %d client errors%n", openedMs, closedMs, load.committed.size(),
                load.failures.size());
        Set<Long> present = new HashSet<>();
        try (Connection c = cluster.primary().connect(DB, USER, USER); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT client, seq FROM ledger WHERE client >= 0")) {
            while (rs.next()) {
                present.add(Load.key(rs.getInt(1), rs.getInt(2)));
            }
        }
        Set<Long> lost = new HashSet<>(load.committed);
        lost.removeAll(present);
        assertEquals(Set.of(), lost, "transactions that got COMMIT success and are missing");
        assertTrue(present.size() - load.committed.size() <= load.failures.size(),
                "rows beyond the acknowledged ones come from transactions whose answer was lost: " + present.size()
                        + " rows, " + load.committed.size() + " acknowledged, " + load.failures.size() + " errors");
    }

    @Test
    void aSlowServerTripsTheLatencyRuleAndSqlErrorsNeverCount() throws Exception {
        Pgmux p = pgmux(config(4, """
                  slow:
                    pool: { mode: transaction, size: 4 }
                    primary: %s
                    breaker: { slow_call_threshold: 1s, minimum_calls: 3, open_timeout: 30s, max_open_timeout: 30s }
                    routing: { health_check_timeout: 10s }   # a loaded test machine must not fail the checks
                """.formatted(url(cluster.primary()))));
        AdminSql admin = admin(p);

        // 32 clients sending errors as fast as they can: syntax errors, unique violations, division by zero
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = p.connect(DB, USER, USER, Jdbc.props()); Statement st = c.createStatement()) {
                    for (int n = 0; n < 60; n++) {
                        try {
                            st.execute(n % 3 == 0 ? "SELEC 1" : n % 3 == 1 ? "INSERT INTO counters VALUES (1, 0)" : "SELECT 1/0");
                            unexpected.add("no error for statement " + n);
                        } catch (SQLException e) {
                            errors.incrementAndGet();
                        }
                    }
                } catch (SQLException e) {
                    unexpected.add(e.toString());
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(List.of(), List.copyOf(unexpected));
        assertEquals(32 * 60, errors.get());
        Map<String, String> row = breaker(admin, DB, "primary");
        assertEquals("closed", row.get("state"), row.toString());
        assertEquals("0", row.get("failures"), "the clients' own errors: " + row);

        // a server answering slower than slow_call_threshold (pg_sleep stands in for a sick disk); the
        // breaker opens as soon as its window holds minimum_calls calls with one slow among them, so
        // the requests after the first slow one may already be refused
        for (int i = 0; i < 5 && !"open".equals(breakerState(p, "slow", "primary")); i++) {
            try (Connection c = p.connect("slow", USER, USER, Jdbc.props()); Statement st = c.createStatement()) {
                st.execute("SELECT pg_sleep(1.5)");
            } catch (SQLException refused) {
                assertTrue(refused.getMessage().contains("circuit breaker open"), refused.getMessage());
            }
        }
        assertEquals("open", breakerState(p, "slow", "primary"));
        assertTrue(breaker(admin, "slow", "primary").get("last_failure").contains("p99 latency"),
                breaker(admin, "slow", "primary").toString());
        long start = System.nanoTime();
        SQLException e = null;
        try (Connection c = p.connect("slow", USER, USER, Jdbc.props()); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        } catch (SQLException x) {
            e = x;
        }
        assertNotNull(e, "the open breaker refuses");
        assertTrue(e.getMessage().contains("circuit breaker open"), e.getMessage());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000, "refused without waiting");
        assertEquals("closed", breaker(admin, DB, "primary").get("state"), "the other database's breaker is its own");
    }

    @Test
    void reloadUnderLoadChangesPoolSizeServersAndBreakerWithoutAClientError() throws Exception {
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, config(4, ""));
        Pgmux p = Pgmux.startFile(file);
        opened.add(p);
        AdminSql admin = admin(p);
        int clients = 64;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong increments = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long before = sum();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = 1 + i % 10;
            Thread t = new Thread(() -> {
                try (Connection c = p.connect(DB, USER, USER, Jdbc.props()); Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    while (running.get()) {
                        st.execute("UPDATE counters SET n = n + 1 WHERE id = " + id);
                        c.commit();
                        increments.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        Eventually.await(TIMEOUT, "the load running", () -> increments.get() >= 500);
        String withReplica = "replicas: [ " + url(cluster.replica(1)) + " ]";
        for (int size : new int[] {12, 2, 8}) {
            String yaml = config(size, "");
            if (size == 2) {
                yaml = yaml.replace(withReplica, "replicas: []"); // a backend removed...
            } else if (size == 8) {
                // ... and added again, with other breaker settings
                yaml = yaml.replace("    routing:", "    breaker: { failure_threshold: 9, open_timeout: 1s }\n    routing:");
            }
            Files.writeString(file, yaml);
            assertEquals(List.of(), admin.execute("RELOAD"));
            long at = increments.get();
            Eventually.await(TIMEOUT, "the load going on with pool size " + size, () -> increments.get() >= at + 300);
            assertEquals(size, p.server().pools().stream().filter(x -> x.key().database().equals(DB)
                    && x.key().backend().equals("primary")).findFirst().orElseThrow().settings().size());
            boolean replicaListed = admin.query("SHOW BACKENDS").where("database", DB).stream()
                    .anyMatch(r -> "replica".equals(r.get("role")));
            assertEquals(size != 2, replicaListed, "SHOW BACKENDS after the reload to pool size " + size);
        }
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(List.of(), List.copyOf(failures), "client errors during the reloads");
        assertEquals(before + increments.get(), sum(), "every committed increment is in the table");
    }

    private static long sum() throws SQLException {
        try (Connection c = cluster.primary().connect(DB, USER, USER)) {
            return Long.parseLong(Jdbc.one(c, "SELECT sum(n) FROM counters"));
        }
    }
}
