package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin console's SHOW commands through pgjdbc (simple protocol) and psql, against pgmux in
 * front of real PostgreSQL: PgBouncer's column names, numbers that move exactly as traffic runs,
 * logins refused with 28000, unknown commands with 42601, no password anywhere in the output.
 */
class AdminConsoleIT {
    private static final String DB = "admin_it";
    private static final String USER = "admin_it_user";
    private static final String ADMIN_PASSWORD = "s3cret-admin";

    static TestPostgres pg;
    static Pgmux pgmux;
    static AdminSql admin;

    @BeforeAll
    static void start() throws SQLException {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE t(id int)", "GRANT ALL ON t TO " + USER);
        pgmux = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: off }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: %4$s }
                databases:
                  %2$s:
                    pool: { mode: transaction, size: 4 }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, pg.port(), ADMIN_PASSWORD));
        admin = AdminSql.connect(pgmux.adminPort(), "admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() throws SQLException {
        admin.close();
        pgmux.close();
    }

    private static Connection app() throws SQLException {
        return pgmux.connect(DB, USER, USER);
    }

    private static long stat(String column) throws SQLException {
        return admin.query("SHOW STATS").longValue("database", DB, column);
    }

    @Test
    void showCommandsAnswerWithPgBouncersColumns() throws SQLException {
        assertEquals(List.of("database", "user", "cl_active", "cl_waiting", "cl_active_cancel_req",
                "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled", "sv_idle", "sv_used",
                "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode", "load_balance_hosts"),
                admin.query("SHOW POOLS").columns());
        assertEquals(List.of("database", "total_server_assignment_count", "total_xact_count", "total_query_count",
                "total_received", "total_sent", "total_xact_time", "total_query_time", "total_wait_time",
                "total_client_parse_count", "total_server_parse_count", "total_bind_count",
                "avg_server_assignment_count", "avg_xact_count", "avg_query_count", "avg_recv", "avg_sent",
                "avg_xact_time", "avg_query_time", "avg_wait_time", "avg_client_parse_count", "avg_server_parse_count",
                "avg_bind_count"), admin.query("SHOW STATS").columns());
        List<String> sockets = List.of("type", "user", "database", "replication", "state", "addr", "port",
                "local_addr", "local_port", "connect_time", "request_time", "wait", "wait_us", "close_needed", "ptr",
                "link", "remote_pid", "tls", "application_name", "prepared_statements", "id");
        assertEquals(sockets, admin.query("SHOW CLIENTS").columns());
        assertEquals(sockets, admin.query("SHOW SERVERS").columns());
        assertEquals(List.of("name", "host", "port", "database", "force_user", "pool_size", "min_pool_size",
                "reserve_pool_size", "server_lifetime", "pool_mode", "load_balance_hosts", "max_connections",
                "current_connections", "max_client_connections", "current_client_connections", "paused", "disabled"),
                admin.query("SHOW DATABASES").columns());
        assertEquals(List.of("name", "pool_size", "reserve_pool_size", "pool_mode", "max_user_connections",
                "current_connections", "max_user_client_connections", "current_client_connections", "auth", "admin"),
                admin.query("SHOW USERS").columns());
        assertEquals(List.of("key", "value", "default", "changeable"), admin.query("SHOW CONFIG").columns());
        assertEquals(List.of("list", "items"), admin.query("SHOW LISTS").columns());
        assertEquals(List.of("version"), admin.query("SHOW VERSION").columns());
        assertEquals(List.of("command", "description"), admin.query("SHOW HELP").columns());
        assertEquals(List.of("database", "server_assignment_count", "xact_count", "query_count", "bytes_received",
                "bytes_sent", "xact_time", "query_time", "wait_time", "client_parse_count", "server_parse_count",
                "bind_count"), admin.query("SHOW STATS_TOTALS").columns());
        assertEquals(admin.query("SHOW STATS_TOTALS").columns(), admin.query("show stats_averages;").columns());
        assertEquals(List.of("database", "role", "server", "address", "health", "in_recovery", "checked_at",
                "last_error", "lag_bytes", "lag_seconds", "breaker"), admin.query("SHOW BACKENDS").columns());
        assertEquals(List.of("database", "role", "address", "state", "failures", "consecutive_failures", "opens",
                "rejected", "opened_at", "next_probe", "last_failure"), admin.query("SHOW BREAKERS").columns());
        assertEquals(List.of("user", "database", "addr", "port", "connect_time", "pinned_by", "ptr", "link",
                "remote_pid"), admin.query("SHOW PINNED").columns());
        assertEquals(List.of("database", "user", "pool_mode", "max_prepared_statements", "server_connections",
                "cached_statements", "hits", "misses", "evictions", "hit_rate"), admin.query("SHOW PREPARED").columns());
    }

    @Test
    void statsCountExactlyTheTransactionsAndQueriesThatRan() throws SQLException {
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1"); // the pool exists and has served a transaction before the baseline
            long xacts = stat("total_xact_count");
            long queries = stat("total_query_count");
            long received = stat("total_received");
            int n = 25;
            for (int i = 0; i < n; i++) {
                st.execute("INSERT INTO t VALUES (" + i + ")");
            }
            c.setAutoCommit(false);
            st.execute("INSERT INTO t VALUES (100)");
            st.execute("INSERT INTO t VALUES (101)");
            c.commit(); // one more transaction of three statements (two INSERTs and COMMIT)
            c.setAutoCommit(true);
            Eventually.await(Duration.ofSeconds(5), "total_xact_count + " + (n + 1), () -> {
                try {
                    return stat("total_xact_count");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, v -> v == xacts + n + 1);
            // pgjdbc sends BEGIN in the same request as the first INSERT: n + 1 + BEGIN + COMMIT
            assertEquals(queries + n + 4, stat("total_query_count"));
            assertTrue(stat("total_received") > received, "bytes from clients counted");
            assertTrue(stat("total_xact_time") > 0 && stat("total_query_time") > 0, "times counted");
            assertTrue(stat("total_server_assignment_count") >= n + 1, "one assignment per transaction at least");
        }
    }

    @Test
    void parsesAndBindsOfClientsAreCountedAndTotalsMatchStats() throws SQLException {
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            long parses = stat("total_client_parse_count");
            long binds = stat("total_bind_count");
            long queries = stat("total_query_count");
            int n = 12;
            for (int i = 0; i < n; i++) {
                st.execute("SELECT " + i + " AS distinct_text"); // pgjdbc's extended protocol: Parse, Bind, Execute
            }
            Eventually.await(Duration.ofSeconds(5), "the queries counted", () -> {
                try {
                    return stat("total_query_count");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, v -> v == queries + n);
            assertEquals(binds + n, stat("total_bind_count"), "one Bind per execution");
            assertEquals(parses + n, stat("total_client_parse_count"), "each text is new: one Parse each");
        }
        Map<String, String> stats = admin.query("SHOW STATS").one("database", DB);
        Map<String, String> totals = admin.query("SHOW STATS_TOTALS").one("database", DB);
        assertEquals(stats.get("total_xact_count"), totals.get("xact_count"));
        assertEquals(stats.get("total_bind_count"), totals.get("bind_count"));
        assertEquals(stats.get("total_client_parse_count"), totals.get("client_parse_count"));
    }

    @Test
    void parsesAnsweredByPgmuxWithoutAServerAreCountedToo() throws Exception {
        assumeTrue(new File("/usr/bin/pgbench").canExecute(), "pgbench is not installed");
        // initialized on the server directly; -M prepared then sends each named Parse + Sync between
        // transactions, which pgmux answers itself (no server needed to prepare a statement)
        assertEquals(0, pgbench("-i", "-s", "1", "-q", "-p", Integer.toString(pg.port())));
        long parses = stat("total_client_parse_count");
        long binds = stat("total_bind_count");
        int clients = 2;
        int transactions = 5;
        assertEquals(0, pgbench("-n", "-M", "prepared", "-c", Integer.toString(clients), "-t",
                Integer.toString(transactions), "-p", Integer.toString(pgmux.port())));
        int statements = 7; // TPC-B: BEGIN, 3 UPDATEs, SELECT, INSERT, END
        Eventually.await(Duration.ofSeconds(5), "the Binds counted", () -> {
            try {
                return stat("total_bind_count");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, v -> v == binds + (long) clients * transactions * statements);
        assertEquals(parses + (long) clients * statements, stat("total_client_parse_count"),
                "each client prepares each statement once");
    }

    private static int pgbench(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/pgbench", "-h", "127.0.0.1", "-U", USER));
        cmd.addAll(List.of(args));
        cmd.add(DB);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().put("PGPASSWORD", USER);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pgbench finished: " + out);
        assertEquals(0, p.exitValue(), out);
        return p.exitValue();
    }

    @Test
    void clientsShowApplicationNameRequestTimeAndPreparedStatements() throws Exception {
        Properties props = new Properties();
        props.setProperty("ApplicationName", "console-it-app");
        props.setProperty("prepareThreshold", "1");
        try (Connection c = pgmux.connect(DB, USER, USER, props); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            Map<String, String> client = admin.query("SHOW CLIENTS").one("application_name", "console-it-app");
            assertEquals(USER, client.get("user"));
            String firstRequest = client.get("request_time");
            assertTrue(firstRequest != null && firstRequest.compareTo(client.get("connect_time")) >= 0, client.toString());
            long prepared = Long.parseLong(client.get("prepared_statements")); // transaction mode: tracked
            Eventually.pause(1100); // request_time has a resolution of a second
            try (PreparedStatement ps = c.prepareStatement("SELECT ?::int AS named_one")) {
                ps.setInt(1, 1);
                ps.executeQuery().close(); // prepareThreshold 1: a named statement, tracked by pgmux's cache
                client = admin.query("SHOW CLIENTS").one("ptr", client.get("ptr"));
                assertEquals(Long.toString(prepared + 1), client.get("prepared_statements"), client.toString());
                assertTrue(client.get("request_time").compareTo(firstRequest) > 0, "the request time moved: " + client);
            }
            st.execute("SET application_name = 'renamed-app'");
            client = admin.query("SHOW CLIENTS").one("ptr", client.get("ptr"));
            assertEquals("renamed-app", client.get("application_name"));
            c.setAutoCommit(false);
            st.execute("SELECT 2"); // holds a server: SHOW SERVERS shows what the server reports for it
            Map<String, String> server = admin.query("SHOW SERVERS").one("link", client.get("ptr"));
            assertEquals("renamed-app", server.get("application_name"), server.toString());
            Map<String, String> self = admin.query("SHOW CLIENTS").one("database", "pgmux");
            assertTrue(self.get("request_time").compareTo(self.get("connect_time")) >= 0, "the admin session's: " + self);
            c.commit();
        }
    }

    @Test
    void connectionCountsOfDatabasesUsersAndListsFollowTheServers() throws Exception {
        admin.execute("KILL " + DB); // a known start: no server connection
        Eventually.await(Duration.ofSeconds(10), "no server connection", () -> serverCounts(), List.of(0L, 0L, 0L)::equals);
        long clientsBefore = admin.query("SHOW USERS").longValue("name", USER, "current_client_connections");
        List<Long> busy;
        try (Connection a = app(); Statement sa = a.createStatement(); Connection b = app(); Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            sa.execute("SELECT 1");
            b.setAutoCommit(false);
            sb.execute("SELECT 1");
            // two open transactions hold two servers; a login may have opened another one on its loop
            busy = serverCounts();
            assertTrue(busy.get(0) >= 2 && busy.stream().distinct().count() == 1,
                    "databases, users and lists count the same servers: " + busy);
            assertEquals("2", admin.query("SHOW POOLS").one("database", DB).get("sv_active"));
            assertEquals(clientsBefore + 2, admin.query("SHOW USERS").longValue("name", USER, "current_client_connections"));
            assertEquals(clientsBefore + 2, admin.query("SHOW DATABASES").longValue("name", DB, "current_client_connections"));
            a.commit();
            b.commit();
        }
        Eventually.await(Duration.ofSeconds(5), "the clients gone", () -> {
            try {
                return admin.query("SHOW USERS").longValue("name", USER, "current_client_connections");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, v -> v == clientsBefore);
        assertEquals(busy, serverCounts(), "the servers stay in the pool, idle");
        assertEquals(Long.toString(busy.get(0)), admin.query("SHOW POOLS").one("database", DB).get("sv_idle"));
    }

    /** current_connections of SHOW DATABASES and SHOW USERS, used_servers of SHOW LISTS. */
    private static List<Long> serverCounts() {
        try {
            return List.of(admin.query("SHOW DATABASES").longValue("name", DB, "current_connections"),
                    admin.query("SHOW USERS").longValue("name", USER, "current_connections"),
                    admin.query("SHOW LISTS").longValue("list", "used_servers", "items"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void poolsClientsAndServersShowAnOpenTransaction() throws Exception {
        try (Connection c = app(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SELECT 1");
            int pid;
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            Map<String, String> pool = admin.query("SHOW POOLS").one("database", DB);
            assertEquals("1", pool.get("sv_active"), "the open transaction holds one server: " + pool);
            assertTrue(Long.parseLong(pool.get("cl_active")) >= 1, pool.toString());
            assertEquals("transaction", pool.get("pool_mode"));
            AdminSql.Result servers = admin.query("SHOW SERVERS");
            Map<String, String> server = servers.one("remote_pid", Integer.toString(pid));
            assertEquals("active", server.get("state"));
            assertEquals(USER, server.get("user"));
            Map<String, String> client = admin.query("SHOW CLIENTS").one("ptr", server.get("link"));
            assertEquals("active", client.get("state"));
            assertEquals(server.get("ptr"), client.get("link"));
            assertEquals(USER, client.get("user"));
            c.commit();
            Eventually.await(Duration.ofSeconds(5), "the server back idle", () -> {
                try {
                    return admin.query("SHOW SERVERS").one("remote_pid", Integer.toString(pid)).get("state");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "idle"::equals);
            assertEquals("0", admin.query("SHOW POOLS").one("database", DB).get("sv_active"));
        }
    }

    @Test
    void databasesUsersListsConfigAndVersion() throws SQLException {
        try (Connection c = app(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            Map<String, String> db = admin.query("SHOW DATABASES").one("name", DB);
            assertEquals("127.0.0.1", db.get("host"));
            assertEquals(Integer.toString(pg.port()), db.get("port"));
            assertEquals(USER, db.get("force_user"));
            assertEquals("4", db.get("pool_size"));
            assertEquals("1", db.get("current_client_connections"));
            assertEquals("0", db.get("paused"));
            Map<String, String> user = admin.query("SHOW USERS").one("name", USER);
            assertEquals("1", user.get("current_client_connections"));
            assertEquals("scram-sha-256", user.get("auth"));
            assertEquals("yes", admin.query("SHOW USERS").one("name", "admin").get("admin"));
            AdminSql.Result lists = admin.query("SHOW LISTS");
            assertEquals("1", lists.one("list", "databases").get("items"));
            assertEquals("2", lists.one("list", "users").get("items"));
            assertTrue(Long.parseLong(lists.one("list", "used_clients").get("items")) >= 2, "app + admin");
        }
        assertTrue(admin.query("SHOW VERSION").rows().get(0).get("version").startsWith("pgmux "));
        AdminSql.Result config = admin.query("SHOW CONFIG");
        assertEquals("4", config.one("key", "databases." + DB + ".pool.size").get("value"));
        assertEquals("yes", config.one("key", "limits.query_wait_timeout").get("changeable"));
        assertEquals("2m", config.one("key", "limits.query_wait_timeout").get("default"));
        // nothing shows a password: the backend URL's is masked, users' are never listed
        for (String command : List.of("SHOW CONFIG", "SHOW USERS", "SHOW DATABASES", "SHOW CLIENTS", "SHOW SERVERS")) {
            String all = admin.query(command).rows().toString();
            assertFalse(all.contains(ADMIN_PASSWORD), command + " shows the admin password");
            assertFalse(all.contains(USER + ":" + USER) || all.contains("=" + USER + "@"), command + ": " + all);
        }
        assertTrue(config.one("key", "databases." + DB + ".primary").get("value").contains(":***@"));
        AdminSql.Result help = admin.query("SHOW HELP");
        for (String verb : List.of("SHOW", "PAUSE", "RESUME", "RECONNECT", "KILL", "RELOAD", "SET", "SHUTDOWN")) {
            assertFalse(help.rows().stream().noneMatch(r -> r.get("command").startsWith(verb)), verb);
        }
    }

    @Test
    void backendsPinnedPreparedAndBreakers() throws SQLException {
        Map<String, String> primary = admin.query("SHOW BACKENDS").one("database", DB);
        assertEquals("primary", primary.get("role"));
        assertEquals("primary", primary.get("server"), "named as its pool and breaker are");
        assertEquals("up", primary.get("health"));
        assertEquals("f", primary.get("in_recovery"));
        assertEquals("127.0.0.1:" + pg.port(), primary.get("address"));
        assertNull(primary.get("lag_bytes"), "a primary has no lag");
        assertEquals("closed", primary.get("breaker"));
        Map<String, String> breaker = admin.query("SHOW BREAKERS").one("database", DB);
        assertEquals("primary", breaker.get("role"));
        assertEquals("127.0.0.1:" + pg.port(), breaker.get("address"));
        assertEquals("closed", breaker.get("state"));
        assertEquals("0", breaker.get("failures"));
        assertNull(breaker.get("next_probe"), "a closed breaker has no next probe");

        try (Connection c = app(); Statement st = c.createStatement()) {
            assertTrue(admin.query("SHOW PINNED").rows().isEmpty());
            st.execute("SET statement_timeout = '5min'"); // untracked setting: pins the client (on_session_state: pin)
            Map<String, String> pinned = admin.query("SHOW PINNED").one("user", USER);
            assertEquals(DB, pinned.get("database"));
            assertTrue(pinned.get("pinned_by").toUpperCase().startsWith("SET"), pinned.toString());
            assertFalse(pinned.get("link").isEmpty(), "a pinned client holds its server");
        }
        Eventually.await(Duration.ofSeconds(5), "the pinned client gone", () -> {
            try {
                return admin.query("SHOW PINNED").rows().size();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, n -> n == 0);

        Properties prepared = new Properties();
        prepared.setProperty("prepareThreshold", "1");
        long misses = Long.parseLong(admin.query("SHOW PREPARED").one("database", DB).get("misses"));
        long hits = Long.parseLong(admin.query("SHOW PREPARED").one("database", DB).get("hits"));
        try (Connection c = pgmux.connect(DB, USER, USER, prepared);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM t WHERE id > ?")) {
            for (int i = 0; i < 5; i++) {
                ps.setInt(1, i);
                ps.executeQuery().close();
            }
        }
        Map<String, String> cache = admin.query("SHOW PREPARED").one("database", DB);
        long used = Long.parseLong(cache.get("hits")) - hits + Long.parseLong(cache.get("misses")) - misses;
        assertTrue(used >= 5, "each execution found or prepared the statement on a server: " + cache);
        assertTrue(Long.parseLong(cache.get("misses")) > misses, "prepared at least once: " + cache);
        assertTrue(Long.parseLong(cache.get("cached_statements")) >= 1, cache.toString());
        assertTrue(Double.parseDouble(cache.get("hit_rate")) > 0, cache.toString());
    }

    @Test
    void onlyAdminUsersMayLogIn() {
        PSQLException e = assertThrows(PSQLException.class,
                () -> DriverManager.getConnection(AdminSql.url(pgmux.adminPort(), "pgmux"), AdminSql.props(USER, USER)));
        assertEquals("28000", e.getSQLState());
        PSQLException wrongPassword = assertThrows(PSQLException.class,
                () -> DriverManager.getConnection(AdminSql.url(pgmux.adminPort(), "pgmux"), AdminSql.props("admin", "x")));
        assertEquals("28P01", wrongPassword.getSQLState());
        PSQLException wrongDb = assertThrows(PSQLException.class,
                () -> DriverManager.getConnection(AdminSql.url(pgmux.adminPort(), DB), AdminSql.props("admin", ADMIN_PASSWORD)));
        assertEquals("3D000", wrongDb.getSQLState());
    }

    @Test
    void pgbouncerDatabaseNameWorksForExistingScripts() throws SQLException {
        try (Connection c = DriverManager.getConnection(AdminSql.url(pgmux.adminPort(), "pgbouncer"),
                AdminSql.props("admin", ADMIN_PASSWORD)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW LISTS")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void unknownCommandsAndTheExtendedProtocolAreRefused() throws SQLException {
        SQLException unknown = assertThrows(SQLException.class, () -> admin.query("SHOW NONSENSE"));
        assertEquals("42601", unknown.getSQLState());
        assertTrue(unknown.getMessage().contains("SHOW HELP"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("PAUSE [db]"), "the hint lists the commands: " + unknown.getMessage());
        assertEquals("42601", assertThrows(SQLException.class, () -> admin.query("SELECT 1")).getSQLState());
        assertEquals("42601", assertThrows(SQLException.class, () -> admin.execute("KILL")).getSQLState());
        // the session is still usable after errors
        assertEquals(1, admin.query("show version ;").rows().size());

        try (Connection extended = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pgmux.adminPort() + "/pgmux?preferQueryMode=extended",
                AdminSql.props("admin", ADMIN_PASSWORD))) {
            PreparedStatement ps = extended.prepareStatement("SHOW POOLS");
            SQLException e = assertThrows(SQLException.class, ps::executeQuery);
            assertEquals("0A000", e.getSQLState());
            assertTrue(e.getMessage().contains("simple query protocol"), e.getMessage());
            // the connection recovered at the Sync: the next request gets the same clean answer, not a hang
            try (Statement st = extended.createStatement()) {
                assertEquals("0A000", assertThrows(SQLException.class, () -> st.executeQuery("SHOW LISTS")).getSQLState());
            }
        }
    }

    @Test
    void psqlRunsTheCommands() throws Exception {
        assumeTrue(new File("/usr/bin/psql").canExecute(), "psql is not installed");
        String pools = psql("SHOW POOLS");
        assertTrue(pools.contains("cl_active") && pools.contains("sv_idle"), pools);
        String two = psql("SHOW VERSION; SHOW LISTS");
        assertTrue(two.contains("pgmux ") && two.contains("used_clients"), "two statements in one query: " + two);
        for (String command : List.of("SHOW STATS", "SHOW CLIENTS", "SHOW SERVERS", "SHOW DATABASES", "SHOW USERS",
                "SHOW CONFIG", "SHOW HELP", "SHOW BACKENDS", "SHOW PINNED", "SHOW PREPARED", "SHOW BREAKERS")) {
            psql(command);
        }
    }

    private static String psql(String command) throws Exception {
        ProcessBuilder b = new ProcessBuilder("psql", "-X", "-h", "127.0.0.1", "-p", Integer.toString(pgmux.adminPort()),
                "-U", "admin", "pgmux", "-c", command).redirectErrorStream(true);
        b.environment().put("PGPASSWORD", ADMIN_PASSWORD);
        Process p = b.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "psql finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "psql -c '" + command + "': " + out);
        assertFalse(out.contains("WARNING") || out.contains("ERROR"), out);
        assertNotEquals("", out.strip());
        return out;
    }
}
