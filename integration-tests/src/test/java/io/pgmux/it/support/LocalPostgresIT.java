package io.pgmux.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.demo.DemoCluster;
import io.pgmux.demo.LocalPostgres;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Proves the real-PostgreSQL harness end to end with pgjdbc: authentication, replication,
 * crash and restart, promotion, the demo topology, and failures that explain themselves.
 */
class LocalPostgresIT {

    private static final String APP_ROLE = "CREATE ROLE app LOGIN PASSWORD 'app'";

    @Test
    void superuserAndScramAppUserCanLogIn() throws Exception {
        try (TestPostgres pg = TestPostgres.start("it-auth",
                b -> b.bootstrapSql(APP_ROLE, "CREATE DATABASE app OWNER app"))) {
            assertEquals("postgres", pg.queryString("postgres", "SELECT current_user"));
            assertEquals("scram-sha-256", pg.queryString("postgres", "SHOW password_encryption"));
            assertEquals("scram-sha-256", pg.queryString("postgres", "SELECT auth_method FROM pg_hba_file_rules"
                    + " WHERE type = 'host' AND 'all' = ANY(database) ORDER BY rule_number DESC LIMIT 1"));
            assertTrue(pg.queryString("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'")
                    .startsWith("SCRAM-SHA-256$"));
            try (Connection app = pg.connect("app", "app", "app")) {
                assertEquals("app|app", one(app, "SELECT current_user || '|' || current_database()"));
            }
            SQLException wrong = assertThrows(SQLException.class, () -> pg.connect("app", "app", "nope").close());
            assertEquals("28P01", wrong.getSQLState()); // invalid_password: the server did check it
        }
    }

    @Test
    void md5HostAuthStoresMd5Passwords() throws Exception {
        try (TestPostgres pg = TestPostgres.start("it-md5",
                b -> b.hostAuth("md5").passwordEncryption("md5").bootstrapSql(APP_ROLE))) {
            assertTrue(pg.queryString("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'")
                    .startsWith("md5"));
            try (Connection app = pg.connect("postgres", "app", "app")) {
                assertEquals("app", one(app, "SELECT current_user"));
            }
        }
    }

    @Test
    void sharedServerGivesEachTestItsOwnDatabase() throws Exception {
        TestPostgres shared = SharedPostgres.get();
        assertEquals(shared.port(), SharedPostgres.get().port());
        shared.createDatabase("it_shared", "it_owner");
        shared.createDatabase("it_shared", "it_owner"); // re-creatable: reruns start clean
        try (Connection c = shared.connect("it_shared", "it_owner", "it_owner"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t(x int)");
            st.execute("INSERT INTO t VALUES (41), (1)");
            assertEquals("42", one(c, "SELECT sum(x) FROM t"));
        }
        shared.close(); // no-op for the shared server
        assertEquals("1", shared.queryString("postgres", "SELECT 1"));
    }

    @Test
    void replicaStreamsWritesAndIsReadOnly() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.start("it-repl", 1,
                b -> b.bootstrapSql(APP_ROLE, "CREATE DATABASE app OWNER app"))) {
            TestPostgres primary = cluster.primary();
            TestPostgres replica = cluster.replica(1);
            primary.sql("app", "CREATE TABLE items(id int primary key, name text)",
                    "INSERT INTO items SELECT g, 'item' || g FROM generate_series(1, 100) g");
            cluster.waitForReplica(replica);
            assertEquals("100", replica.queryString("app", "SELECT count(*) FROM items"));
            assertEquals("t", replica.queryString("postgres", "SELECT pg_is_in_recovery()"));
            assertEquals("f", primary.queryString("postgres", "SELECT pg_is_in_recovery()"));
            try (Connection app = replica.connect("app", "app", "app"); Statement st = app.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> st.execute("INSERT INTO items VALUES (101, 'x')"));
                assertEquals("25006", e.getSQLState()); // read_only_sql_transaction
            }
        }
    }

    @Test
    void killDropsConnectionsAndRestartRecoversCommittedData() throws Exception {
        try (TestPostgres pg = TestPostgres.startLocal("it-crash", b -> { })) {
            LocalPostgres server = pg.local().orElseThrow();
            pg.sql("postgres", "CREATE TABLE survivors(x int)", "INSERT INTO survivors VALUES (1), (2), (3)");
            try (Connection open = pg.superuser("postgres")) {
                server.kill();
                assertFalse(server.isRunning());
                assertThrows(SQLException.class, () -> one(open, "SELECT 1"));
            }
            server.start();
            assertEquals("3", pg.queryString("postgres", "SELECT count(*) FROM survivors"));
            server.restart();
            assertTrue(server.isRunning());
            assertEquals("3", pg.queryString("postgres", "SELECT count(*) FROM survivors"));
        }
    }

    @Test
    void promotedReplicaAcceptsWrites() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.start("it-promote", 1, b -> { })) {
            TestPostgres replica = cluster.replica(1);
            cluster.primary().sql("postgres", "CREATE TABLE before_failover(x int)", "INSERT INTO before_failover VALUES (7)");
            cluster.waitForReplica(replica);
            cluster.primary().local().orElseThrow().kill();
            replica.local().orElseThrow().promote();
            assertEquals("f", replica.queryString("postgres", "SELECT pg_is_in_recovery()"));
            replica.sql("postgres", "INSERT INTO before_failover VALUES (8)");
            assertEquals("15", replica.queryString("postgres", "SELECT sum(x) FROM before_failover"));
            assertFalse(replica.local().orElseThrow().isStandby());
        }
    }

    @Test
    void demoClusterServesItsTopologyAndCleansUp() throws Exception {
        Path dir;
        int primaryPort;
        try (DemoCluster demo = new DemoCluster().start()) {
            dir = demo.baseDir();
            primaryPort = demo.primaryPort();
            TestPostgres primary = TestPostgres.wrap(demo.primary());
            TestPostgres replica = TestPostgres.wrap(demo.replica());
            try (Connection app = primary.connect("app", "app", "app")) {
                assertEquals("apple,banana,cherry", one(app, "SELECT string_agg(name, ',' ORDER BY id) FROM items"));
                assertEquals("app", one(app, "SELECT tableowner FROM pg_tables WHERE tablename = 'items'"));
            }
            try (Connection app = replica.connect("app", "app", "app")) {
                assertEquals("3", one(app, "SELECT count(*) FROM items"));
                assertEquals("t", one(app, "SELECT pg_is_in_recovery()"));
            }
            assertEquals(2, demo.shardPorts().size());
            for (LocalPostgres shard : demo.shards()) {
                try (Connection app = TestPostgres.wrap(shard).connect("orders", "app", "app")) {
                    assertEquals("orders|app", one(app, "SELECT current_database() || '|' || current_user"));
                }
            }
            assertTrue(Files.isDirectory(dir));
        }
        assertFalse(Files.exists(dir), "demo data removed");
        assertFalse(accepts(primaryPort), "primary stopped");
    }

    @Test
    void failuresCarryTheServerOutput() {
        IllegalStateException badSql = assertThrows(IllegalStateException.class,
                () -> TestPostgres.start("it-badsql", b -> b.bootstrapSql("CREATE TABLE (")));
        assertTrue(badSql.getMessage().contains("syntax error"), badSql.getMessage());

        try (TestPostgres first = TestPostgres.startLocal("it-port", b -> { })) {
            IllegalStateException clash = assertThrows(IllegalStateException.class,
                    () -> TestPostgres.startLocal("it-clash", b -> b.port(first.port())));
            assertTrue(clash.getMessage().contains("Address already in use"), clash.getMessage());
            assertEquals("1", first.queryString("postgres", "SELECT 1")); // the first is unharmed
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), "no row for " + sql);
            return rs.getString(1);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
