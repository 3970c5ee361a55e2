package io.pgmux.it;

import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Proves the headline: 1,000 concurrent pgjdbc clients (default driver settings, so
 * pgjdbc's server-side prepared statements kick in after 5 uses) through a transaction-mode pool of
 * 10 server connections, each client running 20 transactions that increment a counter, end with an
 * exact sum of 20,000 and not a single error, while PostgreSQL never sees more than 10 connections
 * from pgmux (sampled from {@code pg_stat_activity} by a separate thread throughout the run).
 */
class ConcurrencyIT {
    private static final String DB = "concurrency_it";
    private static final String USER = "concurrency_app";
    private static final int CLIENTS = 1_000;
    private static final int TRANSACTIONS = 20;
    private static final int POOL_SIZE = 10;
    private static final int THREADS = 200;

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE counters(id int PRIMARY KEY, n bigint NOT NULL)",
                "INSERT INTO counters SELECT g, 0 FROM generate_series(0, 9) g",
                "GRANT ALL ON counters TO " + USER);
        // max_connections of the shared server is 300: well above the pool of 10
        pgmux = PgmuxSetup.of(pg, DB, USER).top("limits: { max_client_connections: 2000, query_wait_timeout: 60s }")
                .pool("{ mode: transaction, size: " + POOL_SIZE + " }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    @Test
    void thousandClientsOnTenConnectionsCountExactly() throws Exception {
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger clientsDone = new AtomicInteger();

        // A separate thread, on a direct superuser connection, watches how many server connections
        // pgmux holds. It must see at least one (else it watched nothing) and never more than 10.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger maxServerConnections = new AtomicInteger();
        AtomicLong samples = new AtomicLong();
        Thread sampler = new Thread(() -> {
            try (Connection su = pg.superuser(DB);
                 PreparedStatement ps = su.prepareStatement(
                         "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND backend_type = 'client backend'"
                                 + " AND application_name <> 'pgmux health check'")) {
                ps.setString(1, USER);
                while (running.get()) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        maxServerConnections.accumulateAndGet(rs.getInt(1), Math::max);
                        samples.incrementAndGet();
                    }
                    Thread.sleep(5); // pacing only
                }
            } catch (Exception e) {
                errors.add("sampler: " + e);
            }
        }, "pg_stat_activity-sampler");
        sampler.setDaemon(true);
        sampler.start();

        // daemon threads: a client stuck on a hung proxy must not keep the test JVM alive
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "client");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            pool.execute(() -> {
                try (Connection c = pgmux.connect(DB, USER, USER)) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?")) {
                        for (int t = 0; t < TRANSACTIONS; t++) {
                            ps.setInt(1, client % 10);
                            int rows = ps.executeUpdate();
                            if (rows != 1) {
                                throw new IllegalStateException("UPDATE changed " + rows + " rows");
                            }
                            c.commit();
                            committed.incrementAndGet();
                        }
                    }
                } catch (SQLException e) {
                    errors.add("client " + client + ": " + e.getSQLState() + " " + e.getMessage());
                } catch (RuntimeException e) {
                    errors.add("client " + client + ": " + e);
                } finally {
                    clientsDone.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        boolean finished = pool.awaitTermination(4, TimeUnit.MINUTES);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        running.set(false);
        sampler.join(5_000);
        if (!finished) {
            pool.shutdownNow();
            fail("clients did not finish within 4 minutes (hang?): " + clientsDone.get() + "/" + CLIENTS
                    + " done, " + committed.get() + " transactions committed; first errors: " + first(errors));
        }

        long sum;
        try (Connection su = pg.superuser(DB); Statement st = su.createStatement();
             ResultSet rs = st.executeQuery("SELECT sum(n) FROM counters")) {
            rs.next();
            sum = rs.getLong(1);
        }
        System.out.printf("ConcurrencyIT: %d clients x %d transactions in %d ms, %d errors, max %d server connections over %d samples%n",
                CLIENTS, TRANSACTIONS, elapsedMs, errors.size(), maxServerConnections.get(), samples.get());

        assertTrue(errors.isEmpty(), () -> errors.size() + " errors, first: " + first(errors));
        assertEquals(CLIENTS * TRANSACTIONS, committed.get(), "transactions committed");
        assertEquals(CLIENTS * TRANSACTIONS, sum, "sum of the counters");
        assertTrue(samples.get() > 0, "the sampler took samples");
        assertTrue(maxServerConnections.get() >= 1, "the sampler saw pgmux's server connections");
        assertTrue(maxServerConnections.get() <= POOL_SIZE,
                "PostgreSQL saw " + maxServerConnections.get() + " connections from pgmux, pool size is " + POOL_SIZE);
    }

    private static List<String> first(Queue<String> errors) {
        List<String> out = new ArrayList<>();
        for (String e : errors) {
            if (out.size() == 5) {
                break;
            }
            out.add(e);
        }
        return out;
    }
}
