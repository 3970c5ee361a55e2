package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin console's levers against real PostgreSQL: PAUSE under load and RESUME with no client
 * error, RECONNECT, KILL, SET, SHUTDOWN. (RELOAD: {@link AdminReloadIT}.)
 */
class AdminControlIT {
    static final String DB = "admin_ctl_it";
    static final String USER = "admin_ctl_user";
    static final String ADMIN_PASSWORD = "ctl-admin";

    static TestPostgres pg;
    Pgmux pgmux;
    AdminSql admin;

    @BeforeAll
    static void database() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE t(id bigint)", "GRANT ALL ON t TO " + USER);
    }

    @BeforeEach
    void start() throws SQLException {
        pg.sql(DB, "TRUNCATE t");
        pgmux = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: off }
                limits: { query_wait_timeout: 60s }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: %4$s }
                databases:
                  %2$s:
                    pool: { mode: transaction, size: 3 }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, pg.port(), ADMIN_PASSWORD));
        admin = AdminSql.connect(pgmux.adminPort(), "admin", ADMIN_PASSWORD);
    }

    @AfterEach
    void stop() throws SQLException {
        admin.close();
        pgmux.close();
    }

    private Connection app() throws SQLException {
        return pgmux.connect(DB, USER, USER);
    }

    private <T> T poll(String what, Supplier<T> probe, java.util.function.Predicate<T> ok) {
        return Eventually.await(Duration.ofSeconds(10), what, probe, ok);
    }

    private Map<String, String> pools() {
        try {
            return admin.query("SHOW POOLS").one("database", DB);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pid(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void pauseUnderLoadWaitsForTransactionsAndResumeLosesNoClient() throws Exception {
        int clients = 8;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong committed = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int worker = i;
            Thread t = new Thread(() -> {
                try (Connection c = app(); Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    for (long n = 0; running.get(); n++) {
                        st.execute("INSERT INTO t VALUES (" + (worker * 1_000_000L + n) + ")");
                        st.execute("SELECT pg_sleep(0.002)"); // the transaction stays open a while
                        c.commit();
                        committed.incrementAndGet();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "load-" + i);
            threads.add(t);
            t.start();
        }
        poll("load running", committed::get, n -> n >= 50);

        admin.execute("PAUSE " + DB); // returns once every server connection is closed
        Map<String, String> paused = pools();
        assertEquals("0", paused.get("sv_active"), "PAUSE returned with a server still in use: " + paused);
        assertEquals("0", paused.get("sv_idle"), "PAUSE disconnects from the server, as PgBouncer's: " + paused);
        assertEquals(List.of(), servers().rows());
        assertEquals("0", serverBackends(), "no session of pgmux's left on PostgreSQL");
        assertEquals("1", admin.query("SHOW DATABASES").one("name", DB).get("paused"));
        poll("every client queued behind the pause", () -> pools().get("cl_waiting"), w -> w.equals("" + clients));
        long atPause = committed.get();
        assertEquals(Long.toString(atPause), pg.queryString(DB, "SELECT count(*) FROM t"),
                "all clients wait, and each committed transaction is in the table");
        assertTrue(Long.parseLong(pools().get("maxwait_us")) > 0 || Long.parseLong(pools().get("maxwait")) > 0);

        admin.execute("RESUME " + DB);
        poll("load going again", committed::get, n -> n >= atPause + 50);
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertTrue(errors.isEmpty(), "client errors: " + errors);
        assertEquals(Long.toString(committed.get()), pg.queryString(DB, "SELECT count(*) FROM t"));
        assertEquals("0", admin.query("SHOW DATABASES").one("name", DB).get("paused"));
    }

    /**
     * PostgreSQL's sessions of the pool's user in the database (pgmux's server connections; its
     * health check connection, which PAUSE leaves alone, is not one).
     */
    private static String serverBackends() {
        return pg.queryString("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DB
                + "' AND usename = '" + USER + "' AND application_name <> 'pgmux health check'");
    }

    @Test
    void pauseClosesIdleServersAtOnceAndTheBusyOneWhenItsTransactionEnds() throws Exception {
        try (Connection busy = app(); Statement bs = busy.createStatement();
             Connection other = app(); Statement os = other.createStatement();
             AdminSql admin2 = AdminSql.connect(pgmux.adminPort(), "admin", ADMIN_PASSWORD)) {
            busy.setAutoCommit(false);
            int busyPid = pid(bs); // holds its server connection: the transaction is open
            int idlePid = pid(os); // autocommit: its connection goes back to the pool, idle
            assertNotEquals(busyPid, idlePid);
            assertEquals("1", pools().get("sv_idle"));

            CompletableFuture<List<String>> pause = CompletableFuture.supplyAsync(() -> {
                try {
                    return admin2.execute("PAUSE " + DB);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            poll("the idle connection closed at once", () -> pg.queryString("postgres",
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = " + idlePid), "0"::equals);
            assertEquals("1", pg.queryString("postgres", "SELECT count(*) FROM pg_stat_activity WHERE pid = " + busyPid),
                    "the transaction keeps its connection");
            Eventually.pause(200); // a PAUSE that did not wait would have answered by now
            assertFalse(pause.isDone(), "PAUSE waits for the open transaction");
            assertEquals(busyPid, pid(bs), "and the transaction goes on on the same server");

            busy.commit();
            pause.get(10, TimeUnit.SECONDS);
            assertEquals("0", serverBackends(), "PAUSE returned once every server connection was closed");
            assertEquals("0", pools().get("sv_idle"));
            assertEquals("0", pools().get("sv_login"), "no connection opened while paused");

            CompletableFuture<Integer> queued = CompletableFuture.supplyAsync(() -> {
                try {
                    return pid(os);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            poll("the next transaction queued", () -> pools().get("cl_waiting"), "1"::equals);
            assertEquals("0", serverBackends(), "nothing opened for the waiting client before RESUME");
            admin.execute("RESUME " + DB);
            int fresh = queued.get(10, TimeUnit.SECONDS);
            assertNotEquals(idlePid, fresh, "RESUME opened a new server connection");
            assertNotEquals(busyPid, fresh);
        }
    }

    @Test
    void pauseAndResumeOfEverythingAndTheirErrors() throws SQLException {
        assertEquals("55000", assertThrows(SQLException.class, () -> admin.execute("RESUME")).getSQLState());
        assertEquals("3D000", assertThrows(SQLException.class, () -> admin.execute("PAUSE nosuchdb")).getSQLState());
        assertEquals("3D000", assertThrows(SQLException.class, () -> admin.execute("KILL nosuchdb")).getSQLState());
        admin.execute("PAUSE");
        assertEquals("1", admin.query("SHOW DATABASES").one("name", DB).get("paused"));
        assertEquals("55000", assertThrows(SQLException.class, () -> admin.execute("RESUME " + DB)).getSQLState());
        admin.execute("RESUME;");
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1"); // a pool created after RESUME serves at once
        }
    }

    @Test
    void reconnectReplacesServerConnectionsWhenReleased() throws Exception {
        try (Connection c = app(); Statement st = c.createStatement()) {
            int first = pid(st);
            assertEquals(first, pid(st), "one client alone reuses the hot connection");
            admin.execute("RECONNECT " + DB);
            int second = pid(st);
            assertNotEquals(first, second, "the idle connection was closed and a new one opened");
            poll("the old connection gone from SHOW SERVERS", () -> servers().where("remote_pid", "" + first).size(),
                    n -> n == 0);

            c.setAutoCommit(false);
            assertEquals(second, pid(st));
            admin.execute("RECONNECT");
            assertEquals("1", servers().one("remote_pid", "" + second).get("close_needed"),
                    "in use: closed when released, not before");
            assertEquals(second, pid(st), "the transaction keeps its connection");
            c.commit();
            poll("closed once released", () -> servers().where("remote_pid", "" + second).size(), n -> n == 0);
            c.setAutoCommit(true);
            assertNotEquals(second, pid(st));
        }
    }

    private AdminSql.Result servers() {
        try {
            return admin.query("SHOW SERVERS");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void killClosesClientsAndServersOfTheDatabase() throws Exception {
        try (Connection c = app(); Statement st = c.createStatement()) {
            int pid = pid(st);
            admin.execute("KILL " + DB);
            SQLException e = assertThrows(SQLException.class, () -> st.execute("SELECT 1"));
            assertTrue(e.getSQLState() == null || e.getSQLState().startsWith("08"), e.getSQLState() + " " + e);
            poll("no server connection left", () -> servers().rows().size(), n -> n == 0);
            assertEquals("0", pg.queryString("postgres", "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid));
        }
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1"); // KILL does not pause: new clients are served
        }
    }

    @Test
    void setChangesRuntimeSettings() throws Exception {
        admin.execute("SET limits.query_wait_timeout = '5s'");
        admin.execute("SET max_client_conn TO 50");
        admin.execute("SET databases." + DB + ".pool.size = 1");
        admin.execute("set log.queries = on");
        admin.execute("SET log.slow_query_threshold = 250ms");
        AdminSql.Result config = admin.query("SHOW CONFIG");
        assertEquals("5s", config.one("key", "limits.query_wait_timeout").get("value"));
        assertEquals("50", config.one("key", "limits.max_client_connections").get("value"));
        assertEquals("1", config.one("key", "databases." + DB + ".pool.size").get("value"));
        assertEquals("true", config.one("key", "log.queries").get("value"));
        assertEquals("250ms", config.one("key", "log.slow_query_threshold").get("value"));
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            assertEquals(1, pgmux.server().pools().iterator().next().settings().size(), "the pool took the new size");
            assertEquals(Duration.ofSeconds(5), pgmux.server().pools().iterator().next().settings().queryWaitTimeout());
            assertEquals("1", admin.query("SHOW DATABASES").one("name", DB).get("pool_size"));
        }
        assertEquals(List.of("SET ignored"), admin.execute("SET application_name = 'psql'"));
        assertEquals("22023", assertThrows(SQLException.class, () -> admin.execute("SET log.level = loud")).getSQLState());
        assertEquals("22023", assertThrows(SQLException.class,
                () -> admin.execute("SET databases." + DB + ".pool.size = 0")).getSQLState());
        assertEquals("22023", assertThrows(SQLException.class,
                () -> admin.execute("SET limits.query_wait_timeout = soon")).getSQLState());
        assertEquals("55P02", assertThrows(SQLException.class, () -> admin.execute("SET listen = ':1'")).getSQLState());
        assertEquals("42704", assertThrows(SQLException.class, () -> admin.execute("SET nope = 1")).getSQLState());
        admin.execute("SET log.level = debug");
        assertEquals("debug", admin.query("SHOW CONFIG").one("key", "log.level").get("value"));
        admin.execute("SET log.level = info");
    }

    @Test
    void shutdownStopsPgmuxGracefully() throws Exception {
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            admin.execute("SHUTDOWN");
            poll("the client port closed", this::refusesConnections, refused -> refused);
            pgmux.server().awaitTermination();
            assertThrows(SQLException.class, () -> st.execute("SELECT 1"), "idle clients are closed");
        }
    }

    private boolean refusesConnections() {
        try (Socket s = new Socket("127.0.0.1", pgmux.port())) {
            return false;
        } catch (IOException refused) {
            return true;
        }
    }
}
