package io.pgmux.it;

import io.pgmux.demo.LocalPostgres;
import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PostgresCluster;
import io.pgmux.it.support.PrometheusText;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.TestPostgres;
import io.pgmux.it.support.WireMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGStatement;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.pgmux.it.support.WireMessages.columns;
import static io.pgmux.it.support.WireMessages.commandTag;
import static io.pgmux.it.support.WireMessages.transactionStatus;
import static io.pgmux.it.support.WireMessages.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Read/write splitting through pgmux in front of a real primary with two streaming replicas (one
 * cluster for the class; the promotion test gets a small cluster of its own, promotion cannot be
 * undone). Where a statement ran is never inferred from timing or logs: every probe asks the server
 * itself ({@code SELECT pg_is_in_recovery(), inet_server_port()}) and the port names the server.
 * <ul>
 *   <li>every read-only form (BEGIN READ ONLY, START TRANSACTION READ ONLY, BEGIN; SET TRANSACTION
 *       READ ONLY, a lone BEGIN held until SET TRANSACTION READ ONLY, pgjdbc setReadOnly, startup
 *       parameters) lands on a replica; plain work and writes on the primary;</li>
 *   <li>{@code autocommit_selects: replica}: harmless SELECTs (simple, extended, named statements)
 *       on replicas; anything that may write or lock on the primary;</li>
 *   <li>balancing (weighted round robin exactly, least outstanding), lag exclusion, read-your-writes,
 *       a replica stopped, killed mid-transaction, promoted;</li>
 *   <li>32 concurrent clients with exact totals; the admin console's and metrics' view of it.</li>
 * </ul>
 */
class RoutingIT {
    private static final String DB = "routing_it";
    private static final String USER = "routing_user";
    /** A user with a cleartext password login, for {@link RawPg} (which does not speak SCRAM). */
    private static final String RAW = "routing_raw";
    private static final String ADMIN_PASSWORD = "routing-admin";
    /** Asks the server that runs it who it is. */
    private static final String WHERE = "SELECT pg_is_in_recovery(), inet_server_port()";
    /** Generous: a loaded 2-core CI machine, health checks every 200 ms. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String PRIMARY = "primary";
    private static final String REPLICA1 = "replica1";
    private static final String REPLICA2 = "replica2";

    static PostgresCluster cluster;
    /** Server name by port, for every server this class started. */
    static final Map<Integer, String> NAMES = new ConcurrentHashMap<>();

    /** What a test opened (pgmux instances, admin connections), closed after it in reverse order. */
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = startCluster("routing", 2);
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

    private static PostgresCluster startCluster(String name, int replicas) {
        PostgresCluster c = PostgresCluster.start(name, replicas, b -> b
                .bootstrapSql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + USER + "'",
                        "CREATE DATABASE " + DB + " OWNER " + USER)
                .bootstrapSqlIn(DB, "SET ROLE " + USER
                        + "; CREATE TABLE items(id int PRIMARY KEY, note text)"
                        + "; CREATE TABLE counters(id int PRIMARY KEY, n bigint NOT NULL)"
                        + "; INSERT INTO counters SELECT g, 0 FROM generate_series(1, 8) g"
                        + "; CREATE TABLE filler(id int, pad text)"
                        + "; CREATE SEQUENCE seq"
                        + "; CREATE FUNCTION routing_touch() RETURNS int LANGUAGE sql AS 'SELECT 1'"));
        NAMES.put(c.primary().port(), PRIMARY);
        for (int i = 1; i <= replicas; i++) {
            NAMES.put(c.replica(i).port(), "replica" + i);
        }
        return c;
    }

    // ------------------------------------------------------------------ pgmux and its consoles

    private static String url(TestPostgres server) {
        return "postgres://%1$s:%1$s@127.0.0.1:%2$d/%3$s".formatted(USER, server.port(), DB);
    }

    /** The replicas: list of {@code c} in YAML, weight 1 each. */
    private static String replicaList(PostgresCluster c) {
        return "[" + String.join(", ", c.replicas().stream().map(RoutingIT::url).toList()) + "]";
    }

    /** pgmux on the class cluster, transaction mode, replicas of weight 1, plus {@code routing} lines. */
    private Pgmux pgmux(String... routing) {
        return pgmux(cluster, replicaList(cluster), "transaction", routing);
    }

    /**
     * pgmux with an admin console and metrics, database {@link #DB} on {@code c}'s primary and
     * {@code replicas} (a YAML list), health checks every 200 ms, and {@code routing} lines
     * ({@code "key: value"}) in its routing block.
     */
    private Pgmux pgmux(PostgresCluster c, String replicas, String mode, String... routing) {
        // a check slower than the timeout marks a server down: generous, the CI machine is loaded
        StringBuilder rules = new StringBuilder("      health_check_interval: 200ms\n      health_check_timeout: 5s\n");
        for (String line : routing) {
            rules.append("      ").append(line).append('\n');
        }
        Pgmux p = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: 127.0.0.1:0 }
                limits: { query_wait_timeout: 10s }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: %2$s, password: %2$s, auth: password }
                  - { name: admin, password: %3$s }
                databases:
                  %4$s:
                    pool: { mode: %5$s, size: 4, connect_timeout: 2s }
                    primary: %6$s
                    replicas: %7$s
                    routing:
                %8$s""".formatted(USER, RAW, ADMIN_PASSWORD, DB, mode, url(c.primary()), replicas, rules));
        opened.add(p);
        return p;
    }

    private Connection client(Pgmux p, String... props) throws SQLException {
        Connection c = p.connect(DB, USER, USER, Jdbc.props(props));
        opened.add(c);
        return c;
    }

    private RawPg raw(Pgmux p, Map<String, String> startup) throws Exception {
        RawPg c = RawPg.connect(p.port());
        opened.add(c);
        c.login(RAW, DB, RAW, startup);
        return c;
    }

    private AdminSql admin(Pgmux p) throws SQLException {
        AdminSql a = AdminSql.connect(p.adminPort(), "admin", ADMIN_PASSWORD);
        opened.add(a);
        return a;
    }

    /** SHOW BACKENDS' row of {@code server}. */
    private static Map<String, String> backend(AdminSql admin, TestPostgres server) {
        return unchecked(() -> admin.query("SHOW BACKENDS").one("address", "127.0.0.1:" + server.port()));
    }

    /** Waits until SHOW BACKENDS gives {@code server} the health {@code health}; returns its row. */
    private static Map<String, String> awaitHealth(AdminSql admin, TestPostgres server, String health) {
        return Eventually.await(TIMEOUT, NAMES.get(server.port()) + " " + health, () -> backend(admin, server),
                row -> health.equals(row.get("health")));
    }

    /** Waits until the monitor has seen every server of the class cluster up. */
    private static void awaitAllUp(AdminSql admin) {
        awaitHealth(admin, cluster.primary(), "up");
        cluster.replicas().forEach(r -> awaitHealth(admin, r, "up"));
    }

    // ------------------------------------------------------------------ where did it run

    /** The server's name for its answer to {@link #WHERE}, checking that its role matches the name. */
    private static String named(boolean inRecovery, int port) {
        String name = NAMES.get(port);
        assertNotNull(name, "no server of this test listens on " + port);
        assertEquals(!PRIMARY.equals(name), inRecovery,
                name + " answered pg_is_in_recovery() = " + inRecovery);
        return name;
    }

    /** Runs {@link #WHERE} on {@code c} (pgjdbc, extended protocol) and names the server that answered. */
    private static String where(Connection c) throws SQLException {
        return where(c, WHERE);
    }

    /** Runs {@code sql} (whose first columns are {@link #WHERE}'s) on {@code c} and names the server. */
    private static String where(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return named(rs);
        }
    }

    /** Names the server from the first row of {@code rs}, whose first two columns are {@link #WHERE}'s. */
    private static String named(ResultSet rs) throws SQLException {
        assertTrue(rs.next(), "no row");
        return named(rs.getBoolean(1), rs.getInt(2));
    }

    /** Runs {@code sql} (whose first columns are {@link #WHERE}'s) as a simple Query on {@code c}. */
    private static String where(RawPg c, String sql) throws Exception {
        List<RawPg.Message> answer = c.simpleQuery(sql);
        assertNull(RawPg.firstError(answer), () -> sql + ": " + RawPg.describe(answer));
        List<String> row = columns(answer.stream().filter(m -> m.type() == 'D').findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + sql + ": " + RawPg.describe(answer))));
        return named("t".equals(row.get(0)), Integer.parseInt(row.get(1)));
    }

    private static String where(RawPg c) throws Exception {
        return where(c, WHERE);
    }

    private static boolean isReplica(String name) {
        return name.startsWith("replica");
    }

    /** Runs {@code n} autocommit {@link #WHERE}s on {@code c}; how many each server answered. */
    private static Map<String, Integer> tally(Connection c, int n) throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(where(c), 1, Integer::sum);
        }
        return counts;
    }

    /** Polls autocommit reads on {@code c} until one is answered by {@code server}. */
    private static void awaitReadOn(Connection c, String server) {
        awaitRead(c, server, server::equals);
    }

    /** Polls autocommit reads on {@code c} until one is answered by a server {@code accept}s. */
    private static void awaitRead(Connection c, String what, Predicate<String> accept) {
        Eventually.await(TIMEOUT, "a read answered by " + what, () -> unchecked(() -> where(c)), accept);
    }

    // ------------------------------------------------------------------ 1. read-only forms, plain work

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BEGIN READ ONLY", "START TRANSACTION READ ONLY",
            "start transaction isolation level repeatable read, read only", "BEGIN; SET TRANSACTION READ ONLY",
            "/* app */ begin transaction read only;"})
    void readOnlyTransactionsGoToReplicas(String begin) throws Exception {
        Pgmux p = pgmux();
        try (RawPg c = raw(p, Map.of())) {
            for (int i = 0; i < 4; i++) {
                List<RawPg.Message> begun = c.simpleQuery(begin);
                assertNull(RawPg.firstError(begun), () -> RawPg.describe(begun));
                assertEquals('T', transactionStatus(begun), "the server opened the transaction");
                String server = where(c);
                assertTrue(isReplica(server), begin + " ran on " + server);
                assertEquals(server, where(c), "the whole transaction stays on one server");
                assertEquals("on", RawPg.firstValue(c.simpleQuery("SHOW transaction_read_only")));
                assertEquals('I', transactionStatus(c.simpleQuery("COMMIT")));
            }
            assertEquals(PRIMARY, where(c), "an autocommit SELECT stays on the primary by default");
        }
    }

    /** Regression: these were sent to a replica, which refuses SERIALIZABLE (0A000); a primary runs them. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY",
            "START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE",
            "BEGIN; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE READ ONLY",
            "BEGIN ISOLATION LEVEL SERIALIZABLE|SET TRANSACTION READ ONLY",
            "BEGIN|SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY"})
    void serializableReadOnlyTransactionsRunOnThePrimary(String statements) throws Exception {
        Pgmux p = pgmux();
        try (RawPg c = raw(p, Map.of())) {
            for (String sql : statements.split("\\|")) { // one Query each
                List<RawPg.Message> answer = c.simpleQuery(sql);
                assertNull(RawPg.firstError(answer), () -> sql + ": " + RawPg.describe(answer));
                assertEquals('T', transactionStatus(answer));
            }
            assertEquals(PRIMARY, where(c));
            assertEquals("serializable", RawPg.firstValue(c.simpleQuery("SHOW transaction_isolation")));
            assertEquals("on", RawPg.firstValue(c.simpleQuery("SHOW transaction_read_only")));
            assertEquals('I', transactionStatus(c.simpleQuery("COMMIT")));
        }
    }

    /** Regression: a BEGIN the server refuses was answered "BEGIN" and its error ended the session later. */
    @Test
    void aBeginTheServerRefusesGetsItsErrorAtOnce() throws Exception {
        Pgmux p = pgmux();
        try (RawPg c = raw(p, Map.of())) {
            List<RawPg.Message> answer = c.simpleQuery("BEGIN ISOLATION LEVEL BOGUS");
            RawPg.ErrorFields error = RawPg.firstError(answer);
            assertNotNull(error, () -> RawPg.describe(answer));
            assertEquals("ERROR", error.severity());
            assertEquals("42601", error.code());
            assertEquals('I', transactionStatus(answer));
            assertEquals(PRIMARY, where(c), "the session carries on");
        }
    }

    @Test
    void beginAloneIsHeldUntilTheNextStatementDecides() throws Exception {
        Pgmux p = pgmux();
        try (RawPg c = raw(p, Map.of())) {
            // BEGIN, then SET TRANSACTION READ ONLY: a replica, with the BEGIN really sent ahead of it
            List<RawPg.Message> begun = c.simpleQuery("BEGIN");
            assertEquals("CZ", types(begun));
            assertEquals("BEGIN", commandTag(begun));
            assertEquals('T', transactionStatus(begun), "a held-back BEGIN still answers 'in transaction'");
            List<RawPg.Message> set = c.simpleQuery("SET TRANSACTION READ ONLY");
            assertEquals("CZ", types(set), () -> "one answer, the held BEGIN's swallowed: " + RawPg.describe(set));
            assertEquals("SET", commandTag(set));
            assertFalse(set.stream().anyMatch(m -> m.type() == 'N'),
                    () -> "no 'SET TRANSACTION can only be used in transaction blocks' warning: " + RawPg.describe(set));
            assertEquals('T', transactionStatus(set), "the server is in the transaction BEGIN opened");
            String server = where(c);
            assertTrue(isReplica(server), "BEGIN + SET TRANSACTION READ ONLY ran on " + server);
            assertEquals(server, where(c));
            assertEquals('I', transactionStatus(c.simpleQuery("COMMIT")));

            // BEGIN, then a write: the primary, in one transaction that only COMMIT makes visible
            assertEquals('T', transactionStatus(c.simpleQuery("BEGIN")));
            List<RawPg.Message> insert = c.simpleQuery("INSERT INTO items VALUES (101, 'held begin')");
            assertEquals("INSERT 0 1", commandTag(insert), () -> RawPg.describe(insert));
            assertEquals('T', transactionStatus(insert));
            assertEquals(PRIMARY, where(c));
            assertNull(cluster.primary().queryString(DB, "SELECT note FROM items WHERE id = 101"),
                    "not committed yet: the held BEGIN went to the primary ahead of the INSERT");
            assertEquals('I', transactionStatus(c.simpleQuery("COMMIT")));
            assertEquals("held begin", cluster.primary().queryString(DB, "SELECT note FROM items WHERE id = 101"));

            // BEGIN and COMMIT (or ROLLBACK) with nothing between: answered, no server needed
            for (String end : List.of("COMMIT", "ROLLBACK", "end", "abort work")) {
                assertEquals('T', transactionStatus(c.simpleQuery("BEGIN")));
                List<RawPg.Message> ended = c.simpleQuery(end);
                assertEquals("CZ", types(ended), () -> end + ": " + RawPg.describe(ended));
                assertEquals(end.startsWith("COMMIT") || end.equals("end") ? "COMMIT" : "ROLLBACK", commandTag(ended));
                assertEquals('I', transactionStatus(ended));
            }
            List<RawPg.Message> after = c.simpleQuery(WHERE);
            assertEquals('I', transactionStatus(after), "no transaction was left open anywhere");
            assertEquals(PRIMARY, where(c));
        }
        cluster.primary().sql(DB, "DELETE FROM items WHERE id = 101");
    }

    @Test
    void plainWorkAndWritesGoToThePrimary() throws Exception {
        Pgmux p = pgmux();
        Connection c = client(p);
        assertEquals(PRIMARY, where(c), "autocommit SELECT with autocommit_selects: primary (the default)");
        try (PreparedStatement ps = c.prepareStatement(WHERE + " WHERE ? > 0")) {
            for (int i = 1; i <= 7; i++) { // past prepareThreshold: a named statement
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertEquals(PRIMARY, named(rs));
                }
            }
        }
        c.setAutoCommit(false);
        assertEquals(PRIMARY, where(c), "a plain transaction");
        try (Statement st = c.createStatement()) {
            assertEquals(1, st.executeUpdate("INSERT INTO items VALUES (102, 'tx')"));
        }
        c.commit();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            assertEquals(1, st.executeUpdate("INSERT INTO items VALUES (103, 'autocommit')"));
            assertEquals(2, st.executeUpdate("DELETE FROM items WHERE id IN (102, 103)"), "both rows were on the primary");
        }
        assertEquals(PRIMARY, where(c));
    }

    @Test
    void pgjdbcSetReadOnlyRunsOnAReplica() throws Exception {
        Pgmux p = pgmux();
        Connection c = client(p);
        c.setReadOnly(true);
        c.setAutoCommit(false); // pgjdbc now starts each transaction with BEGIN READ ONLY
        for (int i = 0; i < 4; i++) {
            String server = where(c);
            assertTrue(isReplica(server), "pgjdbc read-only transaction ran on " + server);
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), inet_server_port() FROM counters WHERE id > ?")) {
                ps.setInt(1, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(8, rs.getInt(1));
                    assertEquals(server, NAMES.get(rs.getInt(2)), "the transaction stays on its replica");
                }
            }
            c.commit();
        }
        c.setReadOnly(false);
        assertEquals(PRIMARY, where(c), "read-write again: the primary");
        c.rollback();
    }

    @Test
    void nextvalInAReadOnlyTransactionGetsTheServersOwnError() throws Exception {
        Pgmux p = pgmux();
        Connection c = client(p);
        c.setReadOnly(true);
        c.setAutoCommit(false);
        assertTrue(isReplica(where(c)));
        SQLException e = assertThrows(SQLException.class, () -> Jdbc.one(c, "SELECT nextval('seq')"));
        assertEquals("25006", e.getSQLState(), () -> PgErrors.describe(e));
        assertEquals("cannot execute nextval() in a read-only transaction", PgErrors.serverMessage(e));
        assertEquals("ERROR", PgErrors.severity(e));
        c.rollback();
        assertTrue(isReplica(where(c)), "the client carries on after the error");
        c.commit();
        assertEquals("1", cluster.primary().queryString(DB, "SELECT last_value FROM seq"), "the sequence never moved");
    }

    // ------------------------------------------------------------------ 1b. read-only sessions

    @Test
    void startupParametersDeclareReadOnlySessions() throws Exception {
        Pgmux p = pgmux();
        // pgjdbc: options=-c default_transaction_read_only=on, every transaction a read
        Connection ro = client(p, "options", "-c default_transaction_read_only=on");
        for (int i = 0; i < 3; i++) {
            assertTrue(isReplica(where(ro)), "a read-only session's SELECT");
        }
        try (Statement st = ro.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate("INSERT INTO items VALUES (104, 'ro')"));
            assertEquals("25006", e.getSQLState(), () -> PgErrors.describe(e));
            assertEquals("cannot execute INSERT in a read-only transaction", PgErrors.serverMessage(e));
        }

        // target_session_attrs (libpq's names): pgmux takes it out, PostgreSQL would refuse it
        for (String attrs : List.of("read-only", "standby", "prefer-standby")) {
            try (RawPg c = raw(p, Map.of("target_session_attrs", attrs))) {
                assertTrue(isReplica(where(c)), attrs);
                assertTrue(isReplica(where(c, "BEGIN; " + WHERE)), attrs + ", in a transaction block");
                c.simpleQuery("COMMIT");
            }
        }
        for (String attrs : List.of("read-write", "primary")) {
            try (RawPg c = raw(p, Map.of("target_session_attrs", attrs))) {
                assertEquals(PRIMARY, where(c, "BEGIN READ ONLY; " + WHERE), attrs + " pins the session to the primary");
                c.simpleQuery("COMMIT");
            }
        }
        try (RawPg c = RawPg.connect(p.port())) {
            c.send(RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("user", RAW, "database", DB,
                    "target_session_attrs", "replica-please")));
            RawPg.ErrorFields e = RawPg.firstError(c.readUntilClosed());
            assertNotNull(e, "the login is refused");
            assertEquals("FATAL", e.severity());
            assertEquals("22023", e.code());
            assertEquals("invalid value for parameter \"target_session_attrs\": \"replica-please\"", e.message());
        }
    }

    @Test
    void psqlWithReadOnlyOptionsReadsFromAReplica() throws Exception {
        Path psql = Path.of("/usr/bin/psql");
        assumeTrue(Files.isExecutable(psql), "psql is not installed");
        Pgmux p = pgmux();
        for (String options : List.of("-c default_transaction_read_only=on", "")) {
            ProcessBuilder pb = new ProcessBuilder(psql.toString(), "-X", "-A", "-t", "-h", "127.0.0.1",
                    "-p", Integer.toString(p.port()), "-U", USER, "-d", DB, "-c", WHERE).redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", USER);
            pb.environment().put("PGOPTIONS", options);
            Process proc = pb.start();
            assertTrue(proc.waitFor(30, TimeUnit.SECONDS), "psql finished");
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, proc.exitValue(), out);
            String[] cols = out.split("\\|");
            String server = named("t".equals(cols[0]), Integer.parseInt(cols[1]));
            assertEquals(options.isEmpty(), PRIMARY.equals(server), "PGOPTIONS='" + options + "' ran on " + server);
        }
    }

    @Test
    void sessionModeDecidesOncePerSession() throws Exception {
        Pgmux p = pgmux(cluster, replicaList(cluster), "session");
        Connection plain = client(p);
        assertEquals(PRIMARY, where(plain));
        plain.setReadOnly(true);
        plain.setAutoCommit(false);
        assertEquals(PRIMARY, where(plain), "in session mode a session without read-only intent stays on the primary");
        plain.commit();

        Connection ro = client(p, "options", "-c default_transaction_read_only=on");
        String server = where(ro);
        assertTrue(isReplica(server), "a read-only session: a replica");
        int pid = Jdbc.backendPid(ro);
        for (int i = 0; i < 3; i++) {
            assertEquals(server, where(ro));
            assertEquals(pid, Jdbc.backendPid(ro), "the whole session on one server connection");
        }
    }

    // ------------------------------------------------------------------ 2. autocommit SELECTs

    @Test
    void harmlessAutocommitSelectsGoToReplicas() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica");
        try (RawPg c = raw(p, Map.of())) {
            assertTrue(isReplica(where(c)), "simple protocol SELECT");
            assertTrue(isReplica(where(c, "WITH w AS (SELECT pg_is_in_recovery() AS r, inet_server_port() AS port) SELECT r, port FROM w")), "WITH ... SELECT");
            assertTrue(isReplica(where(c, "(" + WHERE + ")")), "parenthesized SELECT");
            assertTrue(isReplica(where(c, WHERE + " FROM counters WHERE id = 1 /* for update */")), "comments are not SQL");
            assertTrue(isReplica(where(c, WHERE + ", 'FOR UPDATE; DELETE'")), "string literals are not SQL");
        }
        Connection c = client(p);
        assertTrue(isReplica(where(c)), "pgjdbc Statement (extended protocol, unnamed)");
        try (PreparedStatement ps = c.prepareStatement(WHERE + ", count(*) FROM counters WHERE id <= ?")) {
            for (int i = 1; i <= 8; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    String server = named(rs);
                    assertTrue(isReplica(server), "execution " + i + " ran on " + server);
                    assertEquals(i, rs.getInt(3));
                }
            }
            assertTrue(ps.unwrap(PGStatement.class).isUseServerPrepare(),
                    "past prepareThreshold pgjdbc binds a named server statement");
        }
        // a named statement used across transactions keeps going to replicas
        try (PreparedStatement ps = c.prepareStatement(WHERE)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(1);
            assertTrue(ps.unwrap(PGStatement.class).isUseServerPrepare());
            for (int i = 0; i < 4; i++) {
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(isReplica(named(rs)), "named statement, execution " + i);
                }
            }
        }
    }

    /**
     * Regression: Netty's adaptive read buffer shrank to 64 bytes after a run of small reads and cut
     * ordinary pgjdbc batches in two; the cut batch could not be classified and went to the primary
     * (every third autocommit read of this loop did, before client reads were kept at 2 KB).
     */
    @Test
    void everySmallExtendedProtocolReadGoesToAReplica() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica");
        assertEquals(2 * 40, read(client(p), 40, Long.MAX_VALUE));
    }

    @Test
    void extendedProtocolReadArrivingInPiecesGoesToAReplica() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica");
        // pgjdbc writes this batch at once, but at over 4 KB it takes pgmux two reads
        String longRead = WHERE + " /* " + "x".repeat(4000) + " */";
        assertTrue(isReplica(where(client(p), longRead)), "a long SELECT");
        try (RawPg c = raw(p, Map.of())) {
            c.send(WireMessages.concat(WireMessages.parse("", WHERE), WireMessages.bind("", ""),
                    WireMessages.execute("", 0)));
            Eventually.pause(200); // the client's own pace: its Sync comes in a later TCP segment
            c.send(WireMessages.sync());
            List<RawPg.Message> answer = c.readUntilReady();
            assertNull(RawPg.firstError(answer), () -> RawPg.describe(answer));
            List<String> row = columns(answer.stream().filter(m -> m.type() == 'D').findFirst().orElseThrow());
            assertTrue(isReplica(named("t".equals(row.get(0)), Integer.parseInt(row.get(1)))), "a batch sent in two writes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            WHERE + " FROM counters WHERE id = 1 FOR UPDATE",
            WHERE + " FROM counters WHERE id = 1 FOR NO KEY UPDATE",
            WHERE + " FROM counters WHERE id = 1 FOR SHARE",
            WHERE + ", nextval('seq')",
            WHERE + ", \"nextval\"('seq')",
            WHERE + ", pg_advisory_xact_lock(42)",
            WHERE + ", set_config('work_mem', '8MB', true)",
            WHERE + ", routing_touch()",
            "WITH d AS (DELETE FROM items WHERE id < 0 RETURNING id) " + WHERE + " FROM (SELECT count(*) FROM d) x",
            "WITH u AS (UPDATE counters SET n = n WHERE id = 0 RETURNING id) " + WHERE,
            "INSERT INTO items VALUES (105, 'batch') ON CONFLICT DO NOTHING; " + WHERE,
            WHERE + "; DELETE FROM items WHERE id = 105"})
    void autocommitSelectsThatMayWriteGoToThePrimary(String sql) throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica", "deny_functions: [routing_touch]");
        try (RawPg c = raw(p, Map.of())) {
            assertEquals(PRIMARY, where(c, sql), "simple protocol");
            assertTrue(isReplica(where(c)), "the next harmless SELECT goes to a replica again");
        }
        Connection c = client(p);
        try (Statement st = c.createStatement()) {
            st.execute(sql); // pgjdbc sends a multi-statement string as one extended-protocol batch
            ResultSet rs = st.getResultSet();
            while (rs == null) {
                assertTrue(st.getMoreResults() || st.getUpdateCount() != -1, "a result with rows");
                rs = st.getResultSet();
            }
            assertEquals(PRIMARY, named(rs), "extended protocol");
        }
        assertTrue(isReplica(where(c)));
        cluster.primary().sql(DB, "DELETE FROM items WHERE id = 105");
    }

    @Test
    void selectIntoAndSessionAdvisoryLocksStayOnThePrimary() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica");
        Connection c = client(p);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT 1 AS one INTO routing_into"); // a replica would refuse: 25006
            assertEquals("routing_into", cluster.primary().queryString(DB, "SELECT to_regclass('routing_into')::text"));
            st.execute("DROP TABLE routing_into");

            // a session advisory lock: the primary, and the client stays there (pinned) until it lets go
            try (ResultSet rs = st.executeQuery(WHERE + ", pg_advisory_lock(42)")) {
                assertEquals(PRIMARY, named(rs));
            }
            assertEquals(PRIMARY, where(c), "pinned to the server holding its lock");
            try (ResultSet rs = st.executeQuery(WHERE + ", pg_advisory_unlock_all()")) {
                assertEquals(PRIMARY, named(rs));
            }
            assertEquals("0", cluster.primary().queryString(DB, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
        }
        awaitReadOn(c, REPLICA1);
        awaitReadOn(c, REPLICA2);
    }

    // ------------------------------------------------------------------ 3. balancing

    @Test
    void weightedRoundRobinSplitsExactly() throws Exception {
        Pgmux p = pgmux(cluster, "[ %s, { url: %s, weight: 3 } ]".formatted(url(cluster.replica(1)), url(cluster.replica(2))),
                "transaction", "autocommit_selects: replica", "balance: round_robin");
        awaitAllUp(admin(p));
        Connection c = client(p);
        assertEquals(Map.of(REPLICA1, 25, REPLICA2, 75), tally(c, 100));
    }

    @Test
    void sharedPrimaryReadsTakeTheirTurn() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica", "balance: round_robin", "primary_reads: share");
        awaitAllUp(admin(p));
        assertEquals(Map.of(PRIMARY, 33, REPLICA1, 33, REPLICA2, 33), tally(client(p), 99));
    }

    @Test
    void leastOutstandingPrefersTheIdleReplica() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica", "balance: least_outstanding");
        awaitAllUp(admin(p));
        Connection holder = client(p);
        holder.setReadOnly(true);
        holder.setAutoCommit(false);
        String busy = where(holder); // its transaction stays open on that replica
        assertTrue(isReplica(busy));
        String idle = busy.equals(REPLICA1) ? REPLICA2 : REPLICA1;
        Connection reader = client(p);
        assertEquals(Map.of(idle, 10), tally(reader, 10), "while " + busy + " runs a transaction");
        holder.commit();
        Map<String, Integer> spread = tally(reader, 20);
        assertEquals(20, spread.getOrDefault(REPLICA1, 0) + spread.getOrDefault(REPLICA2, 0), spread.toString());
        assertTrue(spread.getOrDefault(REPLICA1, 0) >= 5 && spread.getOrDefault(REPLICA2, 0) >= 5,
                "idle replicas share the reads: " + spread);
    }

    // ------------------------------------------------------------------ 4. lag

    private static void pauseReplay(TestPostgres... replicas) {
        for (TestPostgres r : replicas) {
            r.sql("postgres", "SELECT pg_wal_replay_pause()");
        }
    }

    private static void resumeReplay(TestPostgres... replicas) {
        for (TestPostgres r : replicas) {
            r.sql("postgres", "SELECT pg_wal_replay_resume()");
        }
    }

    /** About 1 MB of WAL on the primary (far beyond a 64kB max_replica_lag); undone by {@link #dropFiller}. */
    private static void writeAMegabyte() {
        cluster.primary().sql(DB, "INSERT INTO filler SELECT g, repeat('x', 1000) FROM generate_series(1, 1000) g");
    }

    /** Empties the filler table and waits until every replica has replayed that. */
    private static void dropFiller() {
        cluster.primary().sql(DB, "TRUNCATE filler");
        cluster.waitForReplicas();
    }

    @Test
    void laggingReplicaLeavesRotationUntilItCatchesUp() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica", "max_replica_lag: 64kB");
        AdminSql admin = admin(p);
        awaitAllUp(admin);
        TestPostgres replica1 = cluster.replica(1);
        pauseReplay(replica1);
        try {
            // about 1 MB of WAL that replica1 cannot replay
            writeAMegabyte();
            Map<String, String> row = awaitHealth(admin, replica1, "lagging");
            assertTrue(Long.parseLong(row.get("lag_bytes")) > 64 * 1024, row.toString());
            assertEquals("t", row.get("in_recovery"));
            assertTrue(row.get("last_error").endsWith("bytes behind the primary"), row.toString());
            PrometheusText metrics = PrometheusText.scrape(p.metricsPort());
            String[] labels = {"role", "replica", "address", "127.0.0.1:" + replica1.port()};
            assertEquals(0.0, metrics.value("pgmux_backend_usable", labels));
            assertEquals(1.0, metrics.value("pgmux_backend_up", labels), "lagging, but it answers");
            assertTrue(metrics.value("pgmux_replica_lag_bytes", labels) > 64 * 1024);

            // replica2 replays the same WAL quickly; once the monitor has seen that, it takes every read
            cluster.waitForReplica(cluster.replica(2));
            Connection c = client(p);
            awaitReadOn(c, REPLICA2);
            assertEquals(Map.of(REPLICA2, 20), tally(c, 20), "reads avoid the lagging replica");
        } finally {
            resumeReplay(replica1);
        }
        Map<String, String> row = awaitHealth(admin, replica1, "up");
        assertTrue(Long.parseLong(row.get("lag_bytes")) <= 64 * 1024, row.toString());
        awaitReadOn(client(p), REPLICA1);
        dropFiller();
    }

    @Test
    void noUsableReplicaWithoutFallbackRefusesReads() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica", "max_replica_lag: 64kB", "fallback_to_primary: false");
        AdminSql admin = admin(p);
        awaitAllUp(admin);
        TestPostgres[] replicas = cluster.replicas().toArray(TestPostgres[]::new);
        pauseReplay(replicas);
        try {
            writeAMegabyte();
            for (TestPostgres r : replicas) {
                awaitHealth(admin, r, "lagging");
            }
            Connection reader = client(p);
            SQLException e = assertThrows(SQLException.class, () -> where(reader));
            assertEquals("08006", e.getSQLState(), () -> PgErrors.describe(e));
            assertEquals("no replica of database \"" + DB + "\" is usable", PgErrors.serverMessage(e));
            assertEquals("FATAL", PgErrors.severity(e));
            assertTrue(reader.isClosed() || !reader.isValid(5), "the client was closed");

            // a read-only session: pgjdbc's own setup query at connect is already a read
            SQLException e2 = assertThrows(SQLException.class,
                    () -> where(client(p, "options", "-c default_transaction_read_only=on")));
            assertEquals("08006", e2.getSQLState(), () -> "a read-only session too: " + PgErrors.describe(e2));

            Connection writer = client(p);
            assertEquals(PRIMARY, where(writer, WHERE + " FROM counters WHERE id = 1 FOR UPDATE"), "writes carry on");
        } finally {
            resumeReplay(replicas);
        }
        for (TestPostgres r : replicas) {
            awaitHealth(admin, r, "up");
        }
        dropFiller();
    }

    // ------------------------------------------------------------------ 5. read-your-writes

    @Test
    void readYourWritesSendsAWritersReadsToThePrimaryUntilReplicasCatchUp() throws Exception {
        Pgmux ryw = pgmux("autocommit_selects: replica", "consistency: read_your_writes", "ryw_timeout: 60s");
        Pgmux eventual = pgmux("autocommit_selects: replica", "consistency: eventual");
        awaitAllUp(admin(ryw));
        awaitAllUp(admin(eventual));
        String probe = WHERE + ", (SELECT count(*) FROM items WHERE id = %d)";
        Connection writer = client(ryw);
        // pgjdbc's SET application_name at connect counts as work on the primary: wait until the
        // replicas are known to have replayed past it, so only the writes below make a difference
        Connection bystander = client(ryw);
        awaitRead(bystander, "a replica", RoutingIT::isReplica);
        awaitRead(writer, "a replica", RoutingIT::isReplica);
        pauseReplay(cluster.replicas().toArray(TestPostgres[]::new));
        try {
            try (Statement st = writer.createStatement()) {
                assertEquals(1, st.executeUpdate("INSERT INTO items VALUES (201, 'ryw')"));
                try (ResultSet rs = st.executeQuery(probe.formatted(201))) {
                    assertEquals(PRIMARY, named(rs), "the writer's next read: only the primary has its write");
                    assertEquals(1, rs.getInt(3), "read your own write");
                }
            }
            writer.setAutoCommit(false);
            try (Statement st = writer.createStatement()) {
                st.executeUpdate("INSERT INTO items VALUES (202, 'ryw tx')");
            }
            writer.commit();
            writer.setAutoCommit(true);
            try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery(probe.formatted(202))) {
                assertEquals(PRIMARY, named(rs));
                assertEquals(1, rs.getInt(3), "after a committed transaction too");
            }
            try (Statement st = bystander.createStatement(); ResultSet rs = st.executeQuery(probe.formatted(201))) {
                assertTrue(isReplica(named(rs)), "a client that wrote nothing still reads from replicas");
                assertEquals(0, rs.getInt(3), "replay is paused: the replica has not seen the row");
            }

            // the same with consistency: eventual reads the stale replica (so the check above can fail)
            Connection other = client(eventual);
            try (Statement st = other.createStatement()) {
                assertEquals(1, st.executeUpdate("INSERT INTO items VALUES (203, 'eventual')"));
                try (ResultSet rs = st.executeQuery(probe.formatted(203))) {
                    assertTrue(isReplica(named(rs)), "eventual consistency: a replica");
                    assertEquals(0, rs.getInt(3), "and it does not see the write");
                }
            }
        } finally {
            resumeReplay(cluster.replicas().toArray(TestPostgres[]::new));
        }
        cluster.waitForReplicas();
        // once replicas have replayed the write (as the monitor saw), the writer reads from them again
        try (Statement st = writer.createStatement()) {
            assertEquals(1, st.executeUpdate("UPDATE items SET note = 'seen' WHERE id = 201"));
        }
        Eventually.await(TIMEOUT, "the writer's read served by a replica that has its write", () -> unchecked(() -> {
            try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery(
                    WHERE + ", (SELECT note FROM items WHERE id = 201)")) {
                String server = named(rs);
                assertEquals("seen", rs.getString(3), "served by " + server + " without the write");
                return server;
            }
        }), RoutingIT::isReplica);
        cluster.primary().sql(DB, "DELETE FROM items WHERE id IN (201, 202, 203)");
    }

    // ------------------------------------------------------------------ 6, 7. replicas going away

    @Test
    void stoppedReplicaIsRoutedAroundAndReturnsWhenRestarted() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica");
        AdminSql admin = admin(p);
        awaitAllUp(admin);
        Connection c = client(p);
        Map<String, Integer> before = tally(c, 10); // idle connections to both replicas in the pools
        assertEquals(List.of(REPLICA1, REPLICA2), List.copyOf(before.keySet()), before.toString());
        LocalPostgres replica2 = cluster.replica(2).local().orElseThrow();
        replica2.stop();
        try {
            for (int i = 0; i < 20; i++) {
                String server = where(i % 2 == 0 ? c : client(p)); // existing and new clients
                assertNotEquals(REPLICA2, server, "read " + i);
            }
            Map<String, String> down = awaitHealth(admin, cluster.replica(2), "down");
            assertNull(down.get("in_recovery"), down.toString());
            assertFalse(down.get("last_error").isEmpty(), down.toString());
            assertEquals(0.0, PrometheusText.scrape(p.metricsPort()).value("pgmux_backend_up",
                    "address", "127.0.0.1:" + cluster.replica(2).port()));
            assertEquals(Map.of(REPLICA1, 10), tally(c, 10), "the other replica takes every read");
        } finally {
            replica2.start();
        }
        cluster.waitForReplica(cluster.replica(2));
        awaitHealth(admin, cluster.replica(2), "up");
        awaitReadOn(c, REPLICA2);
    }

    @Test
    void replicaDyingInsideATransactionFailsTheClient() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica");
        AdminSql admin = admin(p);
        awaitAllUp(admin);
        Connection c = client(p);
        c.setReadOnly(true);
        c.setAutoCommit(false);
        String server = where(c);
        assertTrue(isReplica(server));
        TestPostgres victim = cluster.replica(server.equals(REPLICA1) ? 1 : 2);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> sleeping = pool.submit(() -> Jdbc.one(c, "SELECT pg_sleep(60)::text"));
            Eventually.await(TIMEOUT, "pg_sleep running on " + server, () -> victim.queryString("postgres",
                    "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)::text' AND state = 'active'") != null);
            long start = System.nanoTime();
            victim.local().orElseThrow().kill();
            ExecutionException e = assertThrows(ExecutionException.class, () -> sleeping.get(30, TimeUnit.SECONDS),
                    "the read in flight fails instead of being retried elsewhere");
            long ms = (System.nanoTime() - start) / 1_000_000;
            SQLException cause = assertInstanceOfSql(e.getCause());
            assertTrue(cause.getSQLState() != null && (cause.getSQLState().startsWith("08") || cause.getSQLState().startsWith("57")),
                    () -> "a connection error, got " + PgErrors.describe(cause));
            assertTrue(ms < 10_000, "the client learnt of the crash after " + ms + " ms");
            // other clients carry on
            Connection next = client(p);
            assertNotEquals(server, where(next));
        } finally {
            pool.shutdownNow();
            victim.local().orElseThrow().start();
        }
        cluster.waitForReplica(victim);
        awaitHealth(admin, victim, "up");
        awaitReadOn(client(p), server);
    }

    private static SQLException assertInstanceOfSql(Throwable t) {
        if (t instanceof SQLException s) {
            return s;
        }
        throw new AssertionError("expected an SQLException", t);
    }

    // ------------------------------------------------------------------ 8. promotion

    @Test
    void promotedReplicaLeavesRotation() throws Exception {
        PostgresCluster small = startCluster("routing-promote", 1);
        try {
            Pgmux p = pgmux(small, replicaList(small), "transaction", "autocommit_selects: replica");
            AdminSql admin = admin(p);
            TestPostgres replica = small.replica(1);
            awaitHealth(admin, replica, "up");
            Connection c = client(p);
            assertEquals(Map.of(REPLICA1, 5), tally(c, 5));

            assertEquals("t", replica.queryString("postgres", "SELECT pg_promote()"));
            Map<String, String> row = awaitHealth(admin, replica, "promoted");
            assertEquals("f", row.get("in_recovery"));
            assertEquals("no longer in recovery: promoted to a primary", row.get("last_error"));
            assertEquals("up", backend(admin, small.primary()).get("health"), "the configured primary is untouched");
            assertEquals(Map.of(PRIMARY, 5), tally(c, 5), "reads fall back to the primary");
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertEquals(PRIMARY, where(c), "read-only transactions too");
            c.commit();
        } finally {
            closeOpened(); // pgmux before its servers
            small.close();
        }
    }

    // ------------------------------------------------------------------ 9. concurrency

    @Test
    void concurrentWritersAndReadersKeepExactCounts() throws Exception {
        cluster.primary().sql(DB, "UPDATE counters SET n = 0");
        Pgmux p = pgmux("autocommit_selects: replica");
        awaitAllUp(admin(p));
        int threads = 32;
        int rounds = 25;
        AtomicInteger replicaReads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                all.add(CompletableFuture.runAsync(() -> unchecked(() -> {
                    try (Connection c = p.connect(DB, USER, USER, Jdbc.props())) {
                        if (id % 2 == 0) {
                            write(c, id % 8 + 1, rounds);
                        } else {
                            replicaReads.addAndGet(read(c, rounds, threads / 2 * rounds));
                        }
                    }
                    return null;
                }), pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        int writes = threads / 2 * rounds;
        assertEquals(threads / 2 * rounds * 2, replicaReads.get(), "every read transaction and autocommit read on a replica");
        assertEquals(String.valueOf(writes), cluster.primary().queryString(DB, "SELECT sum(n) FROM counters"));
        cluster.waitForReplicas();
        for (TestPostgres r : cluster.replicas()) {
            assertEquals(String.valueOf(writes), r.queryString(DB, "SELECT sum(n) FROM counters"));
        }
        Connection c = client(p);
        assertEquals(writes, Jdbc.oneLong(c, "SELECT sum(n) FROM counters"), "through pgmux, from a replica");
    }

    /** {@code rounds} transactions incrementing counter {@code id}, each checking it ran on the primary. */
    private static void write(Connection c, int id, int rounds) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ? RETURNING inet_server_port()")) {
            for (int i = 0; i < rounds; i++) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(PRIMARY, NAMES.get(rs.getInt(1)));
                }
                c.commit();
            }
        }
    }

    /** {@code rounds} read-only transactions and as many autocommit reads; returns how many ran on a replica. */
    private static int read(Connection c, int rounds, long maxSum) throws SQLException {
        int onReplica = 0;
        String sql = WHERE + ", (SELECT sum(n) FROM counters)";
        for (int i = 0; i < rounds; i++) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            onReplica += isReplica(where(c)) ? 1 : 0;
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                onReplica += isReplica(named(rs)) ? 1 : 0;
                long sum = rs.getLong(3);
                assertTrue(sum >= 0 && sum <= maxSum, "sum " + sum);
            }
        }
        return onReplica;
    }

    // ------------------------------------------------------------------ 10. admin console

    @Test
    void adminConsoleShowsReplicaPoolsAndLag() throws Exception {
        Pgmux p = pgmux("autocommit_selects: replica");
        AdminSql admin = admin(p);
        awaitAllUp(admin);
        Connection c = client(p);
        Map<String, Integer> reads = tally(c, 6);
        assertEquals(List.of(REPLICA1, REPLICA2), List.copyOf(reads.keySet()), reads.toString());
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO items VALUES (301, 'admin') ON CONFLICT DO NOTHING");
            st.executeUpdate("DELETE FROM items WHERE id = 301");
        }

        AdminSql.Result pools = admin.query("SHOW POOLS");
        for (String db : List.of(DB, DB + "@replica1", DB + "@replica2")) {
            Map<String, String> pool = pools.one("database", db);
            assertEquals(USER, pool.get("user"));
            assertEquals("transaction", pool.get("pool_mode"));
            assertTrue(Integer.parseInt(pool.get("sv_idle")) >= 1, db + ": " + pool);
        }
        AdminSql.Result servers = admin.query("SHOW SERVERS");
        for (String db : List.of(DB, DB + "@replica1", DB + "@replica2")) {
            assertFalse(servers.where("database", db).isEmpty(), db + ": " + servers.rows());
        }
        for (Map<String, String> server : servers.where("database", DB + "@replica2")) {
            assertEquals(String.valueOf(cluster.replica(2).port()), server.get("port"), server.toString());
        }

        Map<String, String> primary = backend(admin, cluster.primary());
        assertEquals(List.of(DB, PRIMARY, "up", "f"), List.of(primary.get("database"), primary.get("role"),
                primary.get("health"), primary.get("in_recovery")));
        assertNull(primary.get("lag_bytes"), "a primary has no lag");
        assertNull(primary.get("lag_seconds"));
        for (TestPostgres r : cluster.replicas()) {
            Map<String, String> row = backend(admin, r);
            assertEquals(List.of(DB, "replica", "up", "t"), List.of(row.get("database"), row.get("role"),
                    row.get("health"), row.get("in_recovery")), row.toString());
            assertTrue(Long.parseLong(row.get("lag_bytes")) >= 0, row.toString());
            assertTrue(row.get("lag_seconds").matches("\\d+\\.\\d{3}"), row.toString());
            assertNull(row.get("last_error"), row.toString());
            assertNotNull(row.get("checked_at"));
        }
        assertEquals(3, admin.query("SHOW BACKENDS").rows().size());

        PrometheusText metrics = PrometheusText.scrape(p.metricsPort());
        for (TestPostgres server : List.of(cluster.primary(), cluster.replica(1), cluster.replica(2))) {
            String address = "127.0.0.1:" + server.port();
            assertEquals(1.0, metrics.value("pgmux_backend_up", "address", address), address);
            assertEquals(1.0, metrics.value("pgmux_backend_usable", "address", address), address);
        }
        assertEquals(2, metrics.find("pgmux_replica_lag_bytes", "database", DB).size(), "one per replica");
        assertEquals(2, metrics.find("pgmux_replica_lag_seconds", "database", DB).size());
    }

    // ------------------------------------------------------------------ helpers

    private interface SqlSupplier<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(SqlSupplier<T> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
