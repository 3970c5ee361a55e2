package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGStatement;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static io.pgmux.it.support.WireMessages.commandTag;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sharding end to end (docs/sharding.md): pgmux in front of two real PostgreSQL shards, and a third
 * server, "single", holding every row in plain tables. Each shard's tables are partitioned
 * {@code BY HASH (customer_id)} with only that shard's partition (REMAINDER i of MODULUS 2), so a row
 * sent to the wrong shard is refused by PostgreSQL itself. Which shard a customer belongs to is always
 * asked of PostgreSQL (a hash-partitioned helper table on "single"), never computed with pgmux's code.
 * <ul>
 *   <li>where a statement ran is asked of the server that ran it ({@code inet_server_port()} in the
 *       same statement) or read back from each shard directly after a write;</li>
 *   <li>scatter-gather results are compared with the same query on "single": exactly (row for row)
 *       when the query orders, as multisets when it does not;</li>
 *   <li>shard down: shard 1's server is stopped and started again.</li>
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardingIT {
    private static final String DB = "orders";
    private static final String APP = "app";
    /** A pgmux user with a cleartext password login, for {@link RawPg} (command tags). */
    private static final String RAW = "shard_raw";
    private static final String ADMIN_PASSWORD = "shard-admin";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int CUSTOMERS = 200;
    /** Rows written by tests have ids from here on; removed after each test. */
    private static final long TEST_IDS = 1_000_000;

    private static final String ORDERS_COLUMNS = "id bigint NOT NULL, customer_id bigint NOT NULL,"
            + " total numeric(10,2) NOT NULL, created_at timestamp, note text";
    private static final String LINES_COLUMNS = "customer_id bigint NOT NULL, line int NOT NULL, qty int NOT NULL";
    /** 3000 orders of customers 1..200: ties in total, NULL timestamps and notes, non-ASCII notes. */
    private static final String ORDERS_ROWS = "SELECT i::bigint AS id, (1 + (i * 7) % " + CUSTOMERS + ")::bigint AS customer_id,"
            + " (((i * 7919) % 50000) / 100.0)::numeric(10,2) AS total,"
            + " CASE WHEN i % 41 = 0 THEN NULL ELSE timestamp '2024-01-01' + (i * 37 % 5000) * interval '17 minutes 3 seconds' END"
            + "   AS created_at,"
            + " CASE WHEN i % 9 = 0 THEN NULL ELSE chr(65 + i % 58) || (i * 31 % 1000)"
            + "   || CASE i % 3 WHEN 0 THEN 'é' WHEN 1 THEN '€' ELSE '' END END AS note"
            + " FROM generate_series(1, 3000) i";
    private static final String LINES_ROWS = "SELECT (1 + j % " + CUSTOMERS + ")::bigint AS customer_id, j AS line,"
            + " (j * 13) % 17 - 3 AS qty FROM generate_series(1, 1000) j";

    static TestPostgres single;
    static final TestPostgres[] SHARDS = new TestPostgres[2];
    static Pgmux pgmux;
    /** Server name (shard0, shard1, single) by port. */
    static final Map<Integer, String> NAMES = new HashMap<>();
    /** The shard (0 or 1) of each customer, as PostgreSQL's hash partitioning places it. */
    static final Map<Long, Integer> SHARD_OF = new TreeMap<>();
    /** Orders per customer, on "single". */
    static final Map<Long, Long> ORDERS_OF = new HashMap<>();
    /** A customer on shard 0 and one on shard 1 (42 if it is on shard 0, else the first). */
    static long k0;
    static long k1;

    private final List<AutoCloseable> opened = new ArrayList<>();

    // ------------------------------------------------------------------ setup

    @BeforeAll
    static void start() throws Exception {
        CompletableFuture<TestPostgres> s = CompletableFuture.supplyAsync(() -> server("shard-single"));
        CompletableFuture<TestPostgres> a = CompletableFuture.supplyAsync(() -> server("shard-0"));
        CompletableFuture<TestPostgres> b = CompletableFuture.supplyAsync(() -> server("shard-1"));
        single = s.get();
        SHARDS[0] = a.get();
        SHARDS[1] = b.get();
        NAMES.put(single.port(), "single");
        NAMES.put(SHARDS[0].port(), "shard0");
        NAMES.put(SHARDS[1].port(), "shard1");

        single.sql(DB, "SET ROLE " + APP,
                "CREATE TABLE orders (" + ORDERS_COLUMNS + ", PRIMARY KEY (customer_id, id))",
                "CREATE TABLE order_lines (" + LINES_COLUMNS + ", PRIMARY KEY (customer_id, line))",
                "INSERT INTO orders " + ORDERS_ROWS,
                "INSERT INTO order_lines " + LINES_ROWS,
                // where PostgreSQL's hash partitioning puts each key, for 2 partitions
                "CREATE TABLE placement (customer_id bigint) PARTITION BY HASH (customer_id)",
                "CREATE TABLE placement_0 PARTITION OF placement FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                "CREATE TABLE placement_1 PARTITION OF placement FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                "INSERT INTO placement SELECT g FROM generate_series(1, " + CUSTOMERS + ") g");
        try (Connection c = single.superuser(DB); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT customer_id, tableoid::regclass::text FROM placement")) {
                while (rs.next()) {
                    SHARD_OF.put(rs.getLong(1), rs.getString(2).equals("placement_0") ? 0 : 1);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT customer_id, count(*) FROM orders GROUP BY 1")) {
                while (rs.next()) {
                    ORDERS_OF.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        assertEquals(CUSTOMERS, SHARD_OF.size());
        assertEquals(CUSTOMERS, ORDERS_OF.size(), "every customer has orders");
        k0 = SHARD_OF.get(42L) == 0 ? 42 : customersOf(0).get(0);
        k1 = customersOf(1).get(0);

        for (int i = 0; i < 2; i++) {
            String customers = "'{" + String.join(",", customersOf(i).stream().map(String::valueOf).toList()) + "}'::bigint[]";
            SHARDS[i].sql(DB, "SET ROLE " + APP,
                    "CREATE TABLE orders (" + ORDERS_COLUMNS + ", PRIMARY KEY (customer_id, id)) PARTITION BY HASH (customer_id)",
                    "CREATE TABLE orders_p" + i + " PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER " + i + ")",
                    "CREATE TABLE order_lines (" + LINES_COLUMNS + ", PRIMARY KEY (customer_id, line))"
                            + " PARTITION BY HASH (customer_id)",
                    "CREATE TABLE order_lines_p" + i + " PARTITION OF order_lines"
                            + " FOR VALUES WITH (MODULUS 2, REMAINDER " + i + ")",
                    "INSERT INTO orders SELECT * FROM (" + ORDERS_ROWS + ") r WHERE r.customer_id = ANY(" + customers + ")",
                    "INSERT INTO order_lines SELECT * FROM (" + LINES_ROWS + ") r WHERE r.customer_id = ANY(" + customers + ")");
        }
        for (String table : List.of("orders", "order_lines")) {
            long all = Long.parseLong(single.queryString(DB, "SELECT count(*) FROM " + table));
            long split = Long.parseLong(SHARDS[0].queryString(DB, "SELECT count(*) FROM " + table))
                    + Long.parseLong(SHARDS[1].queryString(DB, "SELECT count(*) FROM " + table));
            assertEquals(all, split, table + ": the shards hold every row of single, once");
            assertTrue(Long.parseLong(SHARDS[1].queryString(DB, "SELECT count(*) FROM " + table)) > all / 4,
                    table + ": both shards hold a good part of the rows");
        }

        pgmux = Pgmux.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                limits: { query_wait_timeout: 10s }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: %2$s, password: %2$s, auth: password }
                  - { name: admin, password: %3$s }
                databases:
                  %4$s:
                    pool: { mode: transaction, size: 4, connect_timeout: 2s }
                    routing: { health_check_interval: 200ms, health_check_timeout: 5s }
                    sharding:
                      function: pg_hash
                      key_type: integer
                      tables: { orders: customer_id, order_lines: customer_id }
                      no_key: scatter
                    shards:
                      - { primary: postgres://%1$s:%1$s@127.0.0.1:%5$d/%4$s }
                      - { primary: postgres://%1$s:%1$s@127.0.0.1:%6$d/%4$s }
                """.formatted(APP, RAW, ADMIN_PASSWORD, DB, SHARDS[0].port(), SHARDS[1].port()));
    }

    /** A local server with role app and database orders (UTF-8, C collation) owned by it. */
    private static TestPostgres server(String name) {
        TestPostgres pg = TestPostgres.startLocal(name, b -> { });
        pg.createRole(APP, APP);
        pg.sql("postgres", "CREATE DATABASE " + DB + " OWNER " + APP
                + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        return pg;
    }

    private static List<Long> customersOf(int shard) {
        return SHARD_OF.entrySet().stream().filter(e -> e.getValue() == shard).map(Map.Entry::getKey).toList();
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
        for (TestPostgres pg : new TestPostgres[] {SHARDS[1], SHARDS[0], single}) {
            if (pg != null) {
                pg.close();
            }
        }
    }

    @AfterEach
    void closeOpenedAndRemoveTestRows() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
        for (TestPostgres shard : SHARDS) {
            if (shard.local().orElseThrow().isRunning()) {
                shard.sql(DB, "DELETE FROM orders WHERE id >= " + TEST_IDS, "DROP INDEX IF EXISTS orders_total_idx");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A pgjdbc client on pgmux: {@code "simple"} (preferQueryMode=simple) or {@code "extended"} (the default). */
    private Connection client(String mode) throws SQLException {
        Connection c = "simple".equals(mode)
                ? pgmux.connect(DB, APP, APP, Jdbc.props("preferQueryMode", "simple"))
                : pgmux.connect(DB, APP, APP, Jdbc.props());
        opened.add(c);
        return c;
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return read(rs);
        }
    }

    private static List<List<String>> read(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<List<String>> out = new ArrayList<>();
        while (rs.next()) {
            List<String> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                row.add(rs.getString(i));
            }
            out.add(row);
        }
        return out;
    }

    private static List<List<String>> onSingle(String sql) throws SQLException {
        try (Connection c = single.superuser(DB)) {
            return rows(c, sql);
        }
    }

    private static List<List<String>> onShard(int shard, String sql) throws SQLException {
        try (Connection c = SHARDS[shard].superuser(DB)) {
            return rows(c, sql);
        }
    }

    private static List<List<String>> sorted(List<List<String>> rows) {
        List<List<String>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(Object::toString));
        return copy;
    }

    /** The server name and the second column of the only row of {@code sql} (which must start with inet_server_port()). */
    private static List<String> ranWhere(Connection c, String sql) throws SQLException {
        List<List<String>> r = rows(c, sql);
        assertEquals(1, r.size(), () -> "one row for " + sql + ", got " + r);
        return List.of(name(r.get(0).get(0)), String.valueOf(r.get(0).get(1)));
    }

    private static String one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "a row");
            return rs.getString(1);
        }
    }

    private static String name(String port) {
        return NAMES.getOrDefault(Integer.parseInt(port), "port " + port);
    }

    private static String shardName(int shard) {
        return "shard" + shard;
    }

    private static String countOf(long customer) {
        return "SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = " + customer;
    }

    private static long ordersOf(long customer) {
        return ORDERS_OF.get(customer);
    }

    /** Runs {@code action}, expecting a server error with {@code sqlState}; returns it. */
    private static SQLException fails(String sqlState, Executable action, String what) {
        SQLException e = assertThrows(SQLException.class, action, what);
        assertEquals(sqlState, e.getSQLState(), () -> what + ": " + PgErrors.describe(e));
        return e;
    }

    /** Message, detail and hint of the error. */
    private static String fullText(SQLException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            sb.append(" | detail: ").append(m.getDetail()).append(" | hint: ").append(m.getHint());
        }
        return sb.toString();
    }

    private static void assertNamesShard(SQLException e, int shard) {
        assertNamesShard(e, shard, "");
    }

    private static void assertNamesShard(SQLException e, int shard, String what) {
        String text = fullText(e);
        String port = ":" + SHARDS[shard].port();
        boolean named = Pattern.compile("shard ?" + shard + "\\b").matcher(text).find() || text.contains(port);
        assertTrue(named, () -> what + ": the error names shard " + shard + " (shard" + shard + ", shard " + shard + " or "
                + port + "): " + e.getSQLState() + " " + text);
    }

    private static long count(int shard, String where) throws SQLException {
        return Long.parseLong(onShard(shard, "SELECT count(*) FROM orders WHERE " + where).get(0).get(0));
    }

    // ------------------------------------------------------------------ where a key goes

    @Test
    void everyCustomerIsServedByTheShardPostgresPartitioningPicks() throws SQLException {
        Connection c = client("extended");
        Map<Long, String> got = new TreeMap<>();
        Map<Long, String> want = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = ?")) {
            for (long customer : SHARD_OF.keySet()) {
                ps.setLong(1, customer);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    got.put(customer, name(rs.getString(1)) + " " + rs.getLong(2));
                }
                want.put(customer, shardName(SHARD_OF.get(customer)) + " " + ordersOf(customer));
            }
        }
        assertEquals(want, got);
    }

    @Test
    void extremeKeysGoWhereHashPartitioningPutsThem() throws SQLException {
        long[] keys = {0, 1, -1, -42, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L,
                1L << 32, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 987654321987L};
        Connection c = client("extended");
        Connection simple = client("simple");
        Map<String, String> got = new TreeMap<>();
        Map<String, String> want = new TreeMap<>();
        for (long k : keys) {
            String remainder = single.queryString(DB, "SELECT (SELECT i FROM generate_series(0, 1) i"
                    + " WHERE satisfies_hash_partition('placement'::regclass, 2, i, '" + k + "'::bigint))");
            String expected = "shard" + remainder;
            want.put(k + " bigint parameter", expected);
            try (PreparedStatement ps = c.prepareStatement("SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = ?")) {
                ps.setLong(1, k);
                got.put(k + " bigint parameter", name(one(ps)));
            }
            if (k >= Integer.MIN_VALUE && k <= Integer.MAX_VALUE) {
                want.put(k + " int parameter", expected);
                try (PreparedStatement ps = c.prepareStatement("SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = ?")) {
                    ps.setInt(1, (int) k);
                    got.put(k + " int parameter", name(one(ps)));
                }
            }
            if (k >= 0) { // a negative number is an expression (unary minus), not a literal
                want.put(k + " literal", expected);
                got.put(k + " literal", name(Jdbc.one(simple, "SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = " + k)));
                want.put(k + " quoted literal", expected);
                got.put(k + " quoted literal", name(Jdbc.one(c, "SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = '" + k + "'")));
            }
        }
        assertTrue(want.containsValue("shard0") && want.containsValue("shard1"), "keys on both shards: " + want);
        assertEquals(want, got);
    }

    // ------------------------------------------------------------------ how pgmux finds the key

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void literalKeysInWhere(String mode) throws SQLException {
        Connection c = client(mode);
        for (long k : new long[] {k0, k1}) {
            String shard = shardName(SHARD_OF.get(k));
            String n = String.valueOf(ordersOf(k));
            assertEquals(List.of(shard, n), ranWhere(c, countOf(k)), "customer_id = " + k);
            assertEquals(List.of(shard, n), ranWhere(c, "SELECT inet_server_port(), count(*) FROM orders o"
                    + " WHERE o.total >= 0 AND o.customer_id = '" + k + "' AND o.id > 0"), "qualified, quoted, ANDed " + k);
            assertEquals(List.of(shard, n), ranWhere(c, "SELECT inet_server_port(), count(*) FROM ORDERS"
                    + " WHERE Customer_Id = " + k), "names fold to lower case " + k);
        }
        assertEquals(onSingle("SELECT id, total, created_at, note FROM orders WHERE customer_id = " + k1 + " ORDER BY id"),
                rows(c, "SELECT id, total, created_at, note FROM orders WHERE customer_id = " + k1 + " ORDER BY id"));
        assertEquals(List.of(shardName(SHARD_OF.get(k1)), String.valueOf(
                        onSingle("SELECT sum(qty) FROM order_lines WHERE customer_id = " + k1).get(0).get(0))),
                ranWhere(c, "SELECT inet_server_port(), sum(qty) FROM order_lines WHERE customer_id = " + k1));
    }

    @Test
    void preparedStatementParameterIncludingNamedServerStatements() throws SQLException {
        Connection c = client("extended");
        List<String> want = new ArrayList<>();
        List<String> got = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            keys.add(customersOf(0).get(i));
            keys.add(customersOf(1).get(i));
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT inet_server_port(), count(*), sum(total) FROM orders WHERE customer_id = ? AND total >= ?")) {
            for (long k : keys) {
                ps.setLong(1, k);
                ps.setBigDecimal(2, java.math.BigDecimal.ZERO);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    got.add(k + " " + name(rs.getString(1)) + " " + rs.getString(2) + " " + rs.getString(3));
                }
                want.add(k + " " + shardName(SHARD_OF.get(k)) + " " + String.join(" ",
                        onSingle("SELECT count(*), sum(total) FROM orders WHERE customer_id = " + k).get(0)));
            }
            assertTrue(ps.unwrap(PGStatement.class).isUseServerPrepare(),
                    "after 12 executions pgjdbc uses a named server-side statement");
        }
        assertEquals(want, got);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void inListOnOneShardIsAKey(String mode) throws SQLException {
        Connection c = client(mode);
        for (int shard = 0; shard < 2; shard++) {
            List<Long> three = customersOf(shard).subList(3, 6);
            long n = three.stream().mapToLong(ShardingIT::ordersOf).sum();
            String in = String.join(", ", three.stream().map(String::valueOf).toList());
            assertEquals(List.of(shardName(shard), String.valueOf(n)),
                    ranWhere(c, "SELECT inet_server_port(), count(*) FROM orders WHERE customer_id IN (" + in + ")"), in);
        }
        // keys on both shards: no key, a scatter whose counts add up
        long both = ordersOf(k0) + ordersOf(k1);
        assertEquals(List.of(List.of(String.valueOf(both))),
                rows(c, "SELECT count(*) FROM orders WHERE customer_id IN (" + k0 + ", " + k1 + ")"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void insertValuesLandOnTheKeysShard(String mode) throws SQLException {
        Connection c = client(mode);
        long id = TEST_IDS + (mode.equals("simple") ? 0 : 100);
        assertEquals(1, c.createStatement().executeUpdate("INSERT INTO orders (id, customer_id, total, note)"
                + " VALUES (" + id + ", " + k0 + ", 1.50, 'literal')"));
        assertEquals(1, c.createStatement().executeUpdate("INSERT INTO orders (customer_id, id, total, note)"
                + " VALUES (" + k1 + ", " + (id + 1) + ", 2.50, 'literal')"));
        if (mode.equals("extended")) { // simple mode inlines parameters: pgjdbcSimpleModeInlinedParametersAreKeys
            insertWithParameters(c, id);
        }
        List<Long> two0 = customersOf(0).subList(10, 12);
        assertEquals(2, c.createStatement().executeUpdate("INSERT INTO orders (id, customer_id, total) VALUES ("
                + (id + 30) + ", " + two0.get(0) + ", 1), (" + (id + 31) + ", " + two0.get(1) + ", 2)"),
                "a multi-row VALUES on one shard");
        // where each row is, asked of each shard
        for (int shard = 0; shard < 2; shard++) {
            List<List<String>> expected = new ArrayList<>();
            long k = shard == 0 ? k0 : k1;
            expected.add(List.of(String.valueOf(id + shard), String.valueOf(k), shard == 0 ? "1.50" : "2.50", "literal"));
            for (int i = shard; i < 8 && mode.equals("extended"); i += 2) {
                expected.add(List.of(String.valueOf(id + 10 + i), String.valueOf(k), "3.25", "param"));
            }
            if (shard == 0) {
                expected.add(Arrays.asList(String.valueOf(id + 30), String.valueOf(two0.get(0)), "1.00", null));
                expected.add(Arrays.asList(String.valueOf(id + 31), String.valueOf(two0.get(1)), "2.00", null));
            }
            assertEquals(expected, onShard(shard, "SELECT id, customer_id, total, note FROM orders WHERE id >= " + id
                    + " AND id < " + (id + 100) + " ORDER BY id"), "rows on shard " + shard);
        }
    }

    /** Ids id+10..id+17, customers k0 and k1 alternately, as Bind parameters (extended) or inlined (simple). */
    private static void insertWithParameters(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, customer_id, total, note) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < 8; i++) { // past pgjdbc's prepareThreshold: named statements too
                ps.setLong(1, id + 10 + i);
                ps.setLong(2, i % 2 == 0 ? k0 : k1);
                ps.setBigDecimal(3, new java.math.BigDecimal("3.25"));
                ps.setString(4, "param");
                assertEquals(1, ps.executeUpdate(), "insert " + i);
            }
        }
    }

    /**
     * pgjdbc with preferQueryMode=simple inlines a PreparedStatement's parameters as
     * {@code ('42'::int8)}: the key of an ordinary PreparedStatement in simple mode.
     */
    @Test
    void pgjdbcSimpleModeInlinedParametersAreKeys() throws SQLException {
        Connection c = client("simple");
        long id = TEST_IDS + 500;
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = ?")) {
                for (long k : new long[] {k0, k1}) {
                    ps.setLong(1, k);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertEquals(List.of(List.of(String.valueOf(SHARDS[SHARD_OF.get(k)].port()), String.valueOf(ordersOf(k)))),
                                read(rs), "SELECT customer_id = ('" + k + "'::int8)");
                    }
                }
            }
        });
        checks.add(() -> {
            insertWithParameters(c, id);
            for (int shard = 0; shard < 2; shard++) {
                assertEquals(4, count(shard, "id BETWEEN " + (id + 10) + " AND " + (id + 17) + " AND customer_id = "
                        + (shard == 0 ? k0 : k1)), "inserted rows on shard " + shard);
            }
        });
        checks.add(() -> {
            SHARDS[1].sql(DB, "INSERT INTO orders VALUES (" + (id + 50) + ", " + k1 + ", 1, NULL, 'x')");
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ? AND customer_id = ?")) {
                ps.setLong(1, id + 50);
                ps.setLong(2, k1);
                assertEquals(1, ps.executeUpdate(), "DELETE ... customer_id = ('" + k1 + "'::int8)");
            }
        });
        assertAll(checks);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void keyedUpdateAndDeleteRunOnTheKeysShard(String mode) throws SQLException {
        Connection c = client(mode);
        long id = TEST_IDS + 200;
        SHARDS[0].sql(DB, "INSERT INTO orders VALUES (" + id + ", " + k0 + ", 1, NULL, 'x')");
        SHARDS[1].sql(DB, "INSERT INTO orders VALUES (" + (id + 1) + ", " + k1 + ", 1, NULL, 'x')");
        assertEquals(1, c.createStatement().executeUpdate("UPDATE orders SET note = 'updated' WHERE customer_id = " + k1
                + " AND id = " + (id + 1)));
        assertEquals(List.of(List.of("updated")), onShard(1, "SELECT note FROM orders WHERE id = " + (id + 1)));
        if (mode.equals("extended")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ? AND customer_id = ?")) {
                ps.setLong(1, id);
                ps.setLong(2, k0);
                assertEquals(1, ps.executeUpdate());
            }
        } else {
            assertEquals(1, c.createStatement().executeUpdate("DELETE FROM orders WHERE id = " + id + " AND customer_id = " + k0));
        }
        assertEquals(0, count(0, "id = " + id));
        assertEquals(1, count(1, "id = " + (id + 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void commentsNameTheShard(String mode) throws SQLException {
        Connection c = client(mode);
        for (int shard = 0; shard < 2; shard++) {
            long k = shard == 0 ? k0 : k1;
            String onIt = String.valueOf(count(shard, "total > 100"));
            String name = shardName(shard);
            assertEquals(List.of(name, onIt), ranWhere(c, "SELECT inet_server_port(), count(*) FROM orders WHERE total > 100"
                    + " /* pgmux: shard_key=" + k + " */"), "shard_key comment at the end");
            assertEquals(List.of(name, onIt), ranWhere(c, "/* pgmux: shard=" + shard + " */ SELECT inet_server_port(),"
                    + " count(*) FROM orders WHERE total > 100"), "shard comment first");
            assertEquals(List.of(name, onIt), ranWhere(c, "SELECT inet_server_port(), /* pgmux: shard=" + shard + " */"
                    + " count(*) FROM orders WHERE total > 100"), "shard comment in the middle");
        }
        // the comment wins over the statement's own key
        assertEquals(List.of("shard1", "0"), ranWhere(c, "/* pgmux: shard=1 */ " + countOf(k0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void sessionSettingsChooseTheShard(String mode) throws SQLException {
        Connection c = client(mode);
        Statement st = c.createStatement();
        st.execute("SET pgmux.shard = 1");
        assertEquals(List.of("shard1", "0"), ranWhere(c, countOf(k0)), "explicit shard wins over the statement's key");
        assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)));
        assertEquals(List.of(Arrays.asList(String.valueOf(SHARDS[1].port()), null)),
                rows(c, "SELECT inet_server_port(), current_setting('pgmux.shard', true)"),
                "a keyless statement runs on shard 1 only, and the server never saw the SET");
        st.execute("SET pgmux.shard_key = '" + k0 + "'");
        assertEquals(List.of("shard0", String.valueOf(count(0, "total > 100"))),
                ranWhere(c, "SELECT inet_server_port(), count(*) FROM orders WHERE total > 100"));
        assertEquals(List.of("shard0", "0"), ranWhere(c, countOf(k1)), "the key's shard wins over the statement's key");
        st.execute("RESET pgmux.shard_key");
        assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)), "keys found again");
        assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(c, countOf(k0)));
        st.execute("SET pgmux.shard = 0");
        assertEquals(List.of("shard0", "0"), ranWhere(c, countOf(k1)));
        st.execute("RESET pgmux.shard");
        assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)));
        assertEquals(portsOfLines(), sorted(rows(c, PORTS_OF_LINES)), "after RESET a keyless SELECT scatters to both");

        SQLException outOfRange = assertThrows(SQLException.class, () -> st.execute("SET pgmux.shard = 2"));
        assertFalse(String.valueOf(outOfRange.getSQLState()).startsWith("08"), PgErrors.describe(outOfRange));
        SQLException badKey = assertThrows(SQLException.class, () -> st.execute("SET pgmux.shard_key = 'forty-two'"));
        assertFalse(String.valueOf(badKey.getSQLState()).startsWith("08"), PgErrors.describe(badKey));
        assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)),
                "refused SETs change nothing");
    }

    // ------------------------------------------------------------------ transactions stay on one shard

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void statementForAnotherShardFailsTheTransaction(String mode) throws SQLException {
        Connection c = client(mode);
        long id = TEST_IDS + 300;
        c.setAutoCommit(false);
        Statement st = c.createStatement();
        assertEquals(1, st.executeUpdate("INSERT INTO orders (id, customer_id, total) VALUES (" + id + ", " + k0 + ", 5)"));
        assertEquals(List.of("shard0", String.valueOf(ordersOf(k0) + 1)), ranWhere(c, countOf(k0)),
                "the transaction sees its own write");
        assertEquals(List.of("shard0", String.valueOf(count(0, "total > 100"))),
                ranWhere(c, "SELECT inet_server_port(), count(*) FROM orders WHERE total > 100"),
                "a keyless statement runs on the transaction's shard");
        SQLException e = fails("0A000", () -> st.executeUpdate("INSERT INTO orders (id, customer_id, total) VALUES ("
                + (id + 1) + ", " + k1 + ", 5)"), "a write for shard 1 in a transaction bound to shard 0");
        assertNamesShard(e, 0);
        assertNamesShard(e, 1);
        fails("25P02", () -> Jdbc.one(c, "SELECT 1"), "the transaction is aborted");
        fails("25P02", () -> Jdbc.one(c, countOf(k0)), "still aborted, for its own shard too");
        c.rollback();
        assertEquals(0, count(0, "id >= " + id), "the transaction's write on shard 0 was rolled back");
        assertEquals(0, count(1, "id >= " + id), "nothing reached shard 1");
        assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)),
                "the next transaction may go to the other shard");
        c.rollback();

        // a read for the other shard fails the same way
        assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)));
        SQLException read = fails("0A000", () -> ranWhere(c, countOf(k0)), "a read for shard 0 in a shard 1 transaction");
        assertNamesShard(read, 0);
        assertNamesShard(read, 1);
        fails("25P02", () -> Jdbc.one(c, "SELECT 1"), "aborted");
        c.rollback();
        c.setAutoCommit(true);
        assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(c, countOf(k0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void transactionStartingWithoutAKeyIsRefused(String mode) throws SQLException {
        Connection c = client(mode);
        c.setAutoCommit(false);
        fails("0A000", () -> Jdbc.one(c, "SELECT count(*) FROM orders"), "first statement of a transaction without a key");
        c.rollback();
        // SET pgmux.shard_key before BEGIN gives it one
        c.setAutoCommit(true);
        c.createStatement().execute("SET pgmux.shard_key = '" + k1 + "'");
        c.setAutoCommit(false);
        assertEquals(List.of("shard1", String.valueOf(count(1, "true"))),
                ranWhere(c, "SELECT inet_server_port(), count(*) FROM orders"));
        c.commit();
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void writesWithoutAKeyAreRefused(String mode) throws SQLException {
        Connection c = client(mode);
        String[] before = {fingerprint(0), fingerprint(1)};
        // each would change no value if it ran (identity updates, test ids), but any write leaves new row versions
        String[] writes = {
                "UPDATE orders SET note = note WHERE total < 10",
                "DELETE FROM orders WHERE id >= " + TEST_IDS,
                "UPDATE orders SET total = total WHERE customer_id = 40 + 2",
                "UPDATE orders SET total = total WHERE customer_id = " + k0 + " OR customer_id = " + k1,
                "UPDATE orders SET total = total WHERE id IN (SELECT id FROM orders WHERE customer_id = " + k0 + ")",
                "INSERT INTO orders SELECT id + " + TEST_IDS + ", customer_id, total, created_at, note FROM orders WHERE id < 5",
                "INSERT INTO orders VALUES (" + (TEST_IDS + 400) + ", " + k0 + ", 1, NULL, NULL)",
                "INSERT INTO orders (id, customer_id, total) VALUES (" + (TEST_IDS + 401) + ", " + k0 + ", 1), ("
                        + (TEST_IDS + 402) + ", " + k1 + ", 1)",
                "CREATE INDEX orders_note_idx ON orders (note)",
        };
        List<Executable> checks = new ArrayList<>();
        for (String sql : writes) {
            checks.add(() -> fails("0A000", () -> c.createStatement().execute(sql), sql));
        }
        checks.add(() -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET note = note WHERE total < ?")) {
                ps.setInt(1, 10);
                fails("0A000", ps::executeUpdate, "keyless prepared UPDATE");
            }
        });
        assertAll(checks);
        assertEquals(List.of(before[0], before[1]), List.of(fingerprint(0), fingerprint(1)), "no shard was written");
        for (int shard = 0; shard < 2; shard++) {
            assertEquals(List.of(), onShard(shard, "SELECT indexname FROM pg_indexes WHERE indexname = 'orders_note_idx'"));
        }
    }

    /** Every row version of a shard's orders: any write (even an identity UPDATE) changes it. */
    private static String fingerprint(int shard) throws SQLException {
        return onShard(shard, "SELECT count(*) || ' ' || md5(string_agg(ctid::text || ':' || xmin::text, ','"
                + " ORDER BY ctid)) FROM orders").get(0).get(0);
    }

    // ------------------------------------------------------------------ scatter-gather

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void plainScatterReturnsEveryShardsRows(String mode) throws SQLException {
        Connection c = client(mode);
        for (String sql : List.of(
                "SELECT id, customer_id, total, created_at, note FROM orders WHERE total > 400",
                "SELECT * FROM order_lines",
                "SELECT customer_id, line, qty FROM order_lines WHERE qty < 0",
                "SELECT id FROM orders WHERE id < 0")) {
            List<List<String>> want = onSingle(sql);
            assertEquals(sorted(want), sorted(rows(c, sql)), sql);
        }
        assertEquals(portsOfLines(), sorted(rows(c, PORTS_OF_LINES)), "each shard answered for its own rows");
    }

    /** Statements that touch no table run on shard 0, or the session's shard; opening a transaction, refused. */
    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void statementsWithoutTablesRunOnShardZero(String mode) throws SQLException {
        Connection c = client(mode);
        assertEquals(List.of(List.of(String.valueOf(SHARDS[0].port()))), rows(c, "SELECT inet_server_port()"));
        assertEquals(List.of(List.of(String.valueOf(SHARDS[1].port()))),
                rows(c, "/* pgmux: shard=1 */ SELECT inet_server_port()"));
        c.setAutoCommit(false);
        fails("0A000", () -> rows(c, "SELECT inet_server_port()"), "a table-free statement opening a transaction");
        c.rollback();
    }

    /** The worked example of docs/sharding.md: each shard counted through a shard= comment; the keyless form is refused. */
    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void workedExamplePortAndCountPerShard(String mode) throws SQLException {
        List<List<String>> want = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            want.add(List.of(String.valueOf(SHARDS[shard].port()), String.valueOf(count(shard, "true"))));
        }
        Connection c = client(mode);
        List<List<String>> got = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            got.addAll(rows(c, "/* pgmux: shard=" + shard + " */ SELECT inet_server_port(), count(*) FROM orders"));
        }
        assertEquals(want, got);
        // without a key, a count mixed with a plain column cannot be merged: refused, not wrong
        assertEquals("0A000", assertThrows(SQLException.class,
                () -> rows(c, "SELECT inet_server_port(), count(*) FROM orders")).getSQLState());
    }

    private static final String PORTS_OF_LINES = "SELECT inet_server_port() FROM order_lines WHERE line <= 30";

    /** What {@link #PORTS_OF_LINES} answers when every shard runs it: each shard's port once per its row. */
    private static List<List<String>> portsOfLines() throws SQLException {
        List<List<String>> out = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            out.addAll(onShard(shard, PORTS_OF_LINES));
        }
        assertEquals(30, out.size());
        assertTrue(out.contains(List.of(String.valueOf(SHARDS[0].port()))) && out.contains(List.of(String.valueOf(SHARDS[1].port()))),
                "lines 1..30 are on both shards");
        return sorted(out);
    }

    /** Orderings with a unique tie-breaker: the single database's answer is the only right one. */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, customer_id, total FROM orders ORDER BY total DESC, id LIMIT 20 OFFSET 5",
            "SELECT id, created_at, total FROM orders ORDER BY created_at, id LIMIT 50",
            "SELECT id, created_at FROM orders ORDER BY created_at DESC NULLS LAST, id DESC LIMIT 30 OFFSET 60",
            "SELECT id, created_at FROM orders ORDER BY created_at NULLS FIRST, id LIMIT 100",
            "SELECT customer_id, id, total FROM orders ORDER BY 1, 2 OFFSET 2950",
            "SELECT total AS t, id FROM orders WHERE customer_id > 100 ORDER BY t DESC, id FETCH FIRST 25 ROWS ONLY",
            "SELECT id, customer_id, total, created_at, note FROM orders ORDER BY id",
            "SELECT customer_id, line, qty FROM order_lines ORDER BY qty, customer_id DESC, line LIMIT 77",
            "SELECT id FROM orders ORDER BY id LIMIT 7 OFFSET 2998",
            "SELECT id, total FROM orders WHERE total < 0 ORDER BY total, id LIMIT 5",
    })
    void orderedScatterEqualsTheSingleDatabase(String sql) throws SQLException {
        List<List<String>> want = onSingle(sql);
        assertEquals(want, rows(client("extended"), sql), "extended: " + sql);
        assertEquals(want, rows(client("simple"), sql), "simple: " + sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT count(*), sum(total), min(created_at) FROM orders WHERE total > ?",
            "SELECT id, created_at, customer_id FROM orders WHERE total > ? ORDER BY created_at DESC NULLS LAST, id LIMIT 30",
    })
    void preparedScatterIncludingNamedServerStatements(String sql) throws SQLException {
        Connection c = client("extended");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < 8; i++) { // past pgjdbc's prepareThreshold (5): a named statement, binary results
                int floor = 50 * i;
                ps.setInt(1, floor);
                List<List<String>> got;
                try (ResultSet rs = ps.executeQuery()) {
                    got = read(rs);
                }
                assertEquals(onSingle(sql.replace("?", String.valueOf(floor))), got, "execution " + (i + 1));
            }
            assertTrue(ps.unwrap(PGStatement.class).isUseServerPrepare());
        }
    }

    @Test
    void scatterCommandTagCountsTheRowsSent() throws Exception {
        String sql = "SELECT id, total FROM orders ORDER BY total DESC, id LIMIT 25 OFFSET 3";
        try (RawPg raw = RawPg.connect(pgmux.port())) {
            raw.login(RAW, DB, RAW);
            List<RawPg.Message> answer = raw.simpleQuery(sql);
            assertNull(RawPg.firstError(answer), () -> RawPg.describe(answer));
            assertEquals(25, answer.stream().filter(m -> m.type() == 'D').count());
            assertEquals("SELECT 25", commandTag(answer));
            List<RawPg.Message> plain = raw.simpleQuery("SELECT customer_id FROM order_lines WHERE qty = 0");
            long n = Long.parseLong(onSingle("SELECT count(*) FROM order_lines WHERE qty = 0").get(0).get(0));
            assertEquals("SELECT " + n, commandTag(plain), () -> RawPg.describe(plain));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void scatterAggregatesAreExact(String mode) throws SQLException {
        Connection c = client(mode);
        for (String sql : List.of(
                "SELECT count(*), count(note), count(created_at), sum(total), min(total), max(total),"
                        + " min(created_at), max(created_at), min(id), max(customer_id) FROM orders",
                "SELECT count(*) AS n, sum(qty) AS s, min(qty), max(qty), sum(line) FROM order_lines",
                "SELECT sum(total), count(*) FROM orders WHERE total > 250 AND created_at IS NOT NULL",
                "SELECT count(*), sum(total), min(total), max(created_at) FROM orders WHERE id < 0",
                "SELECT count(*) FROM orders")) {
            List<List<String>> want = onSingle(sql);
            assertEquals(want, rows(c, sql), sql);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT customer_id, count(*) FROM orders GROUP BY customer_id",
            "SELECT avg(total) FROM orders",
            "SELECT DISTINCT customer_id FROM order_lines",
            "SELECT count(*) FROM order_lines HAVING count(*) > 1",
            "SELECT id, rank() OVER (ORDER BY total) FROM orders",
            "SELECT id FROM orders ORDER BY total * 2, id LIMIT 3",
            "SELECT id FROM orders WHERE total > 400 FOR UPDATE",
    })
    void unmergeableScatterIsRefused(String sql) throws SQLException {
        for (String mode : List.of("simple", "extended")) {
            Connection c = client(mode);
            SQLException e = fails("0A000", () -> rows(c, sql), mode + ": " + sql);
            if (!sql.contains("FOR UPDATE")) { // a locking read may be refused as a keyless write instead
                assertTrue(e.getMessage().contains("cannot merge"), () -> PgErrors.describe(e));
            }
            assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(c, countOf(k0)), "the session carries on");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT note, id FROM orders ORDER BY note, id LIMIT 60",
            "SELECT note, id FROM orders ORDER BY note DESC NULLS LAST, id LIMIT 60 OFFSET 100",
            "SELECT note COLLATE \"C\" AS n, id FROM orders ORDER BY n, id LIMIT 60",
    })
    void textOrderingMergesExactlyOrIsRefused(String sql) throws SQLException {
        List<List<String>> want = onSingle(sql); // a C-collation database: code point order
        for (String mode : List.of("simple", "extended")) {
            Connection c = client(mode);
            List<List<String>> got;
            try {
                got = rows(c, sql);
            } catch (SQLException e) {
                assertEquals("0A000", e.getSQLState(), () -> mode + ": refused, but not as unsupported: " + PgErrors.describe(e));
                continue;
            }
            assertEquals(want, got, mode + ": " + sql);
        }
    }

    @Test
    void maxScatterRowsAndNoKeyError() throws SQLException {
        Pgmux strict = Pgmux.start("""
                users:
                  - { name: %1$s, password: %1$s }
                databases:
                  %2$s:
                    pool: { mode: transaction, size: 2 }
                    sharding:
                      tables: { orders: customer_id, order_lines: customer_id }
                      no_key: error
                      max_scatter_rows: 100
                    shards:
                      - { primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s }
                      - { primary: postgres://%1$s:%1$s@127.0.0.1:%4$d/%2$s }
                """.formatted(APP, DB, SHARDS[0].port(), SHARDS[1].port()));
        opened.add(strict);
        Connection c = strict.connect(DB, APP, APP, Jdbc.props());
        opened.add(c);
        assertEquals(List.of(shardName(SHARD_OF.get(k1)), String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)),
                "keys still work (defaults: pg_hash, integer)");
        fails("0A000", () -> rows(c, "SELECT count(*) FROM orders"), "no_key: error refuses a keyless read");
        String all = "/* pgmux: all_shards */ SELECT id, total FROM orders ORDER BY total, id LIMIT 40";
        assertEquals(onSingle("SELECT id, total FROM orders ORDER BY total, id LIMIT 40"), rows(c, all),
                "all_shards SELECT scatters even with no_key: error; 80 rows held, under the limit");
        SQLException e = fails("54000", () -> rows(c, "/* pgmux: all_shards */ SELECT line FROM order_lines"),
                "1000 rows is more than max_scatter_rows");
        assertTrue(e.getMessage().contains("max_scatter_rows"), () -> PgErrors.describe(e));
        assertEquals(List.of(shardName(SHARD_OF.get(k0)), String.valueOf(ordersOf(k0))), ranWhere(c, countOf(k0)),
                "the client carries on");
    }

    // ------------------------------------------------------------------ all_shards

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void allShardsDdlAndMaintenanceRunOnEveryShard(String mode) throws SQLException {
        Connection c = client(mode);
        c.createStatement().execute("/* pgmux: all_shards */ CREATE INDEX orders_total_idx ON orders (total)");
        for (int shard = 0; shard < 2; shard++) {
            assertEquals(List.of(List.of("orders_total_idx")), onShard(shard,
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'orders' AND indexname = 'orders_total_idx'"),
                    "index on shard " + shard);
        }
        long negative = Long.parseLong(onSingle("SELECT count(*) FROM order_lines WHERE qty < 0").get(0).get(0));
        assertEquals(negative, c.createStatement().executeUpdate(
                "/* pgmux: all_shards */ UPDATE order_lines SET qty = qty WHERE qty < 0"), "row counts add up");
        assertEquals(onSingle("SELECT count(*), sum(total) FROM orders"),
                rows(c, "/* pgmux: all_shards */ SELECT count(*), sum(total) FROM orders"), "an all_shards SELECT scatters");
        c.createStatement().execute("DROP INDEX orders_total_idx /* pgmux: all_shards */");
        for (int shard = 0; shard < 2; shard++) {
            assertEquals(List.of(), onShard(shard, "SELECT indexname FROM pg_indexes WHERE indexname = 'orders_total_idx'"),
                    "dropped on shard " + shard);
        }
    }

    @Test
    void allShardsFailureNamesTheShard() throws SQLException {
        Connection c = client("extended");
        SHARDS[1].sql(DB, "CREATE INDEX orders_total_idx ON orders (total)"); // only shard 1 has it
        SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute(
                "/* pgmux: all_shards */ CREATE INDEX orders_total_idx ON orders (total)"), "the index exists on shard 1");
        assertNamesShard(e, 1);
        assertTrue(fullText(e).contains("already exists"), () -> "the shard's own error is given: " + PgErrors.describe(e));
        assertEquals(List.of(List.of("orders_total_idx")),
                onShard(0, "SELECT indexname FROM pg_indexes WHERE indexname = 'orders_total_idx'"),
                "shards that succeeded keep their changes");
    }

    // ------------------------------------------------------------------ pools and shard down

    @Test
    void eachShardHasItsOwnPool() throws SQLException {
        Connection c = client("extended");
        ranWhere(c, countOf(k0));
        ranWhere(c, countOf(k1));
        try (AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", ADMIN_PASSWORD)) {
            AdminSql.Result pools = admin.query("SHOW POOLS");
            List<String> names = pools.rows().stream().map(r -> r.get("database")).filter(d -> d.startsWith(DB)).sorted().toList();
            assertEquals(List.of(DB + "@shard0", DB + "@shard1"), names, pools.rows().toString());
            for (String pool : names) {
                Map<String, String> row = pools.one("database", pool);
                assertTrue(Long.parseLong(row.get("sv_idle")) + Long.parseLong(row.get("sv_active")) >= 1,
                        () -> pool + " has a server connection: " + row);
                assertEquals("transaction", row.get("pool_mode"));
            }
            AdminSql.Result backends = admin.query("SHOW BACKENDS");
            for (int i = 0; i < 2; i++) {
                Map<String, String> shard = backends.one("server", "shard" + i);
                assertEquals(DB, shard.get("database"));
                assertEquals("shard", shard.get("role"), shard.toString());
                assertEquals("127.0.0.1:" + SHARDS[i].port(), shard.get("address"));
                assertEquals("up", shard.get("health"), shard.toString());
                assertEquals("closed", shard.get("breaker"));
            }
        }
    }

    /**
     * Shard 1's server stopped: what maps to it fails with an error naming it (its number or address),
     * shard 0 keeps serving existing and new clients; started again, shard 1 serves again. Last: it
     * reports whether the clients that hit the down shard kept their connections (a client of a
     * sharded database uses every shard; closing it for one shard's outage takes the others from it).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void shardDownFailsItsStatementsNamingItAndTheOtherShardKeepsServing() throws Exception {
        Connection c = client("extended");
        Connection simple = client("simple");
        assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(c, countOf(k1)));
        assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(simple, countOf(k0)));
        List<String> closedByTheError = new ArrayList<>();
        SHARDS[1].local().orElseThrow().stop();
        try {
            assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(c, countOf(k0)), "shard 0 keeps serving");
            assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(simple, countOf(k0)), "and in simple mode");
            List<String> probes = new ArrayList<>();
            for (String mode : List.of("extended", "simple")) {
                for (String what : List.of("keyed read", "keyed write", "scatter")) {
                    probes.add(mode + " " + what);
                }
            }
            for (String probe : probes) {
                Connection conn = client(probe.startsWith("simple") ? "simple" : "extended"); // fresh: the previous may be closed
                assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(conn, countOf(k0)),
                        probe + ": a client connected after the stop uses shard 0");
                Executable action = probe.endsWith("keyed read") ? () -> ranWhere(conn, countOf(k1))
                        : probe.endsWith("keyed write") ? () -> conn.createStatement().executeUpdate(
                                "UPDATE orders SET note = note WHERE customer_id = " + k1)
                        : () -> rows(conn, "SELECT count(*), sum(total) FROM orders");
                SQLException e = assertThrows(SQLException.class, action, probe + ": shard 1 is down");
                assertNamesShard(e, 1, probe);
                if (conn.isClosed() || !"ERROR".equals(PgErrors.severity(e))) {
                    closedByTheError.add(probe + ": " + PgErrors.severity(e) + " " + PgErrors.describe(e));
                } else {
                    assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(conn, countOf(k0)),
                            probe + ": the client carries on after the error");
                }
            }
            try (PreparedStatement ps = client("extended").prepareStatement(
                    "SELECT inet_server_port(), count(*) FROM orders WHERE customer_id = ?")) {
                ps.setLong(1, k0);
                assertEquals(String.valueOf(SHARDS[0].port()), one(ps), "a prepared keyed read for shard 0");
                ps.setLong(1, k1);
                assertNamesShard(assertThrows(SQLException.class, ps::executeQuery), 1, "prepared keyed read");
            }
            assertEquals(List.of("shard0", String.valueOf(ordersOf(k0))), ranWhere(c, countOf(k0)),
                    "the clients that did not touch shard 1 still work");
        } finally {
            SHARDS[1].local().orElseThrow().start();
        }
        Eventually.await(TIMEOUT, "shard 1 serves again", () -> {
            try (Connection conn = pgmux.connect(DB, APP, APP, Jdbc.props())) {
                return ranWhere(conn, countOf(k1)).equals(List.of("shard1", String.valueOf(ordersOf(k1))));
            } catch (SQLException e) {
                return false;
            }
        });
        for (Connection conn : List.of(c, simple, client("extended"))) {
            assertEquals(List.of("shard1", String.valueOf(ordersOf(k1))), ranWhere(conn, countOf(k1)));
            assertEquals(onSingle("SELECT count(*), sum(total) FROM orders"), rows(conn, "SELECT count(*), sum(total) FROM orders"));
        }
        assertEquals(List.of(), closedByTheError,
                "an error for a down shard fails the statement, not the client's connection to every shard");
    }
}
