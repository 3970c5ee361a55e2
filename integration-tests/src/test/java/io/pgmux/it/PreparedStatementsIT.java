package io.pgmux.it;

import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.WireMessages;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import static io.pgmux.it.support.Jdbc.one;
import static io.pgmux.it.support.Jdbc.props;
import static io.pgmux.it.support.WireMessages.bind;
import static io.pgmux.it.support.WireMessages.close;
import static io.pgmux.it.support.WireMessages.commandTag;
import static io.pgmux.it.support.WireMessages.concat;
import static io.pgmux.it.support.WireMessages.execute;
import static io.pgmux.it.support.WireMessages.firstColumns;
import static io.pgmux.it.support.WireMessages.parse;
import static io.pgmux.it.support.WireMessages.sync;
import static io.pgmux.it.support.WireMessages.transactionStatus;
import static io.pgmux.it.support.WireMessages.types;
import static io.pgmux.it.support.WireMessages.unnamedQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named prepared statements through a transaction-mode pool, where a client's statements must
 * follow it from one server connection to the next: pgmux records each client's statements, prepares
 * them on whichever server the client gets, keeps a bounded LRU of them per server, and only ever
 * forgets the client's own name when the client closes or deallocates one.
 *
 * <p>Proves, with pgjdbc and with a raw protocol client: hundreds of clients sharing 20 named
 * statements over 5 server connections get exact results and no error, for pgjdbc's default
 * prepareThreshold, for 1 and for -1 (forced binary, named from the first use); Close and
 * DEALLOCATE affect only the calling client; the server LRU evicts safely; the per-client limit
 * answers 53400 and leaves the connection usable; DEALLOCATE ALL / DISCARD ALL are understood; and
 * what happens to a cached statement after a schema change.
 */
class PreparedStatementsIT {
    private static final String DB = "prepared_it";
    private static final String USER = "prepared_app";
    /** A raw-protocol user: {@link RawPg} speaks md5, not SCRAM. */
    private static final String RAW = "prepared_raw";

    static TestPostgres pg;
    /** The main proxy: transaction mode, 5 server connections. */
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE counters(id int PRIMARY KEY, n bigint NOT NULL)",
                "ALTER TABLE counters OWNER TO " + USER);
        pgmux = start("limits: { query_wait_timeout: 60s }", "{ mode: transaction, size: 5 }");
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    /**
     * A fresh proxy with one server connection and one event loop: every client lands on the very
     * same server connection, so what one client does to it (DEALLOCATE ALL, DISCARD ALL, DDL) is
     * certainly seen by the next one. (With several loops the pool may close and reopen the
     * connection on another loop instead, which would hide stale state.) Fresh per test, so one
     * test's leftovers cannot decide another's outcome.
     */
    private static Pgmux singleConnection() {
        return start("workers: 1\nlimits: { query_wait_timeout: 10s }", "{ mode: transaction, size: 1 }");
    }

    private static Pgmux start(String top, String pool) {
        return PgmuxSetup.of(pg, DB, USER).top(top).user("{ name: " + RAW + ", password: " + RAW + ", auth: md5 }").pool(pool).start();
    }

    // ------------------------------------------------------------------ many clients, shared statements

    /**
     * 20 distinct statements: 15 queries whose answer the test can predict ({@code $1 + k}) and 5
     * updates of a counters row each, whose final sums the test computes. Each client runs every
     * statement {@code reps} times (5 x 20 = 100 executions) in an order shuffled with the client's
     * own seed, so statements are bound on server connections in every possible order and state.
     * With pgjdbc's default threshold of 5 the fifth use of each statement is the named one.
     */
    @ParameterizedTest(name = "prepareThreshold={0}: {1} clients x 20 statements x {2} each")
    @CsvSource({
            "default, 500, 5",
            "1, 500, 5", // the workload: every one of the 100 executions per client a named statement
            "-1, 200, 5",
    })
    void manyClientsShareTwentyNamedStatementsOnFiveConnections(String threshold, int clients, int reps)
            throws Exception {
        String table = "counters";
        int firstUpdate = 16;
        try (Connection admin = pg.superuser(DB); Statement st = admin.createStatement()) {
            st.execute("TRUNCATE counters");
            st.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(" + firstUpdate + ", 20) g");
        }
        List<String> sql = new ArrayList<>();
        for (int k = 1; k <= 20; k++) {
            sql.add(k < firstUpdate ? "SELECT $1::int + " + k : "UPDATE " + table + " SET n = n + $1 WHERE id = " + k);
        }
        Properties driver = threshold.equals("default") ? new Properties() : props("prepareThreshold", threshold);
        try (Connection first = pgmux.connect(DB, USER, USER, driver)) { // the pool exists (this may run first)
            assertEquals("1", one(first, "SELECT 1"));
        }
        long hitsBefore = Jdbc.poolStats(pgmux).preparedHits.sum();

        LongAdder expectedSum = new LongAdder();
        LongAdder observedSum = new LongAdder();
        LongAdder executions = new LongAdder();
        AtomicLongArray expectedCounters = new AtomicLongArray(21);
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients); // every client connected at once
        List<Future<?>> done = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            int seed = client;
            done.add(threads.submit(() -> {
                Random random = new Random(seed);
                List<Integer> order = new ArrayList<>(20 * reps);
                for (int r = 0; r < reps; r++) {
                    for (int k = 1; k <= 20; k++) {
                        order.add(k);
                    }
                }
                Collections.shuffle(order, random);
                try (Connection c = pgmux.connect(DB, USER, USER, driver)) {
                    PreparedStatement[] ps = new PreparedStatement[21];
                    for (int k = 1; k <= 20; k++) {
                        ps[k] = c.prepareStatement(sql.get(k - 1).replace("$1", "?"));
                    }
                    for (int k : order) {
                        int v = 1 + random.nextInt(1000);
                        ps[k].setInt(1, v);
                        if (k < firstUpdate) {
                            try (ResultSet rs = ps[k].executeQuery()) {
                                rs.next();
                                observedSum.add(rs.getInt(1));
                            }
                            expectedSum.add(v + k);
                        } else {
                            int n = ps[k].executeUpdate();
                            if (n != 1) {
                                errors.add("client " + seed + ": update of row " + k + " counted " + n);
                            }
                            expectedCounters.addAndGet(k, v);
                        }
                        executions.increment();
                    }
                } catch (SQLException e) {
                    errors.add("client " + seed + ": " + e.getSQLState() + " " + e.getMessage());
                }
            }));
        }
        threads.shutdown();
        assertTrue(threads.awaitTermination(3, TimeUnit.MINUTES), "workload did not finish");
        for (Future<?> f : done) {
            f.get();
        }
        assertTrue(errors.isEmpty(), errors.size() + " errors, first: " + errors.stream().limit(5).toList());
        assertEquals((long) clients * 20 * reps, executions.sum());
        assertEquals(expectedSum.sum(), observedSum.sum(), "sum of the query results");
        try (Connection admin = pg.superuser(DB); Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, n FROM counters ORDER BY id")) {
            for (int k = firstUpdate; k <= 20; k++) {
                assertTrue(rs.next());
                assertEquals(k, rs.getInt(1));
                assertEquals(expectedCounters.get(k), rs.getLong(2), "counter " + k);
            }
        }
        // the named statements did reach the servers and were reused there (else this proved nothing)
        assertTrue(Jdbc.poolStats(pgmux).preparedHits.sum() - hitsBefore > clients,
                "server-side statements reused: " + (Jdbc.poolStats(pgmux).preparedHits.sum() - hitsBefore));
    }

    // ------------------------------------------------------------------ Close and DEALLOCATE of one statement

    /**
     * Two raw clients prepare the same text under the same name (so pgmux has one server-side
     * statement for both). One closes it: its own name is gone (Bind fails with 26000 as in
     * PostgreSQL, and it may Parse the name again), while the other's keeps working.
     */
    @Test
    void closeRemovesOnlyTheClosingClientsStatement() throws Exception {
        String sql = "SELECT $1::int * 2 AS doubled";
        try (RawPg a = rawClient(pgmux); RawPg b = rawClient(pgmux)) {
            assertEquals(List.of("42"), run(a, concat(parse("s", sql), bind("", "s", "21"), execute("", 0), sync()), "12DCZ"));
            assertEquals(List.of("10"), run(b, concat(parse("s", sql), bind("", "s", "5"), execute("", 0), sync()), "12DCZ"));

            run(a, concat(close('S', "s"), sync()), "3Z");

            for (int i = 0; i < 20; i++) { // over many transactions: every server connection is in play
                assertEquals(List.of(String.valueOf(2 * i)),
                        run(b, concat(bind("", "s", String.valueOf(i)), execute("", 0), sync()), "2DCZ"));
            }
            List<RawPg.Message> gone = a.send(concat(bind("", "s", "1"), execute("", 0), sync())).readUntilReady();
            assertEquals("EZ", types(gone));
            assertEquals("26000", RawPg.firstError(gone).code(), RawPg.firstError(gone).toString());
            assertEquals(List.of("6"), run(a, concat(parse("s", sql), bind("", "s", "3"), execute("", 0), sync()), "12DCZ"));
        }
    }

    /**
     * pgjdbc closes a server-side statement (Close message) when it falls out of its statement
     * cache. With a cache of one query, alternating two statements closes one at every switch, while
     * another client keeps executing the very same two texts.
     */
    @Test
    void driverCacheEvictionsCloseStatementsWhileAnotherClientUsesThem() throws Exception {
        Properties evicting = props("prepareThreshold", "1", "preparedStatementCacheQueries", "1");
        try (Connection a = pgmux.connect(DB, USER, USER, evicting);
             Connection b = pgmux.connect(DB, USER, USER, props("prepareThreshold", "1"));
             PreparedStatement bx = b.prepareStatement("SELECT ?::int + 1000");
             PreparedStatement by = b.prepareStatement("SELECT ?::int + 2000")) {
            for (int i = 0; i < 200; i++) {
                String text = i % 2 == 0 ? "SELECT ?::int + 1000" : "SELECT ?::int + 2000";
                int plus = i % 2 == 0 ? 1000 : 2000;
                try (PreparedStatement ax = a.prepareStatement(text)) {
                    ax.setInt(1, i);
                    assertEquals(i + plus, single(ax));
                }
                bx.setInt(1, i);
                assertEquals(i + 1000, single(bx));
                by.setInt(1, i);
                assertEquals(i + 2000, single(by));
            }
        }
    }

    // ------------------------------------------------------------------ limits

    /**
     * max_prepared_statements: 3 on one server connection, three clients cycling through 10
     * distinct named statements: the LRU evicts (Close) all the time and nobody notices, and the
     * server never holds more than 3 of pgmux's statements.
     */
    @Test
    void serverLruEvictsBeyondMaxPreparedStatements() throws Exception {
        try (Pgmux lru = start("workers: 1\nlimits: { query_wait_timeout: 30s }",
                "{ mode: transaction, size: 1, max_prepared_statements: 3 }")) {
            Queue<String> errors = new ConcurrentLinkedQueue<>();
            LongAdder checked = new LongAdder();
            ExecutorService threads = Executors.newFixedThreadPool(3);
            for (int t = 0; t < 3; t++) {
                int seed = t;
                threads.submit(() -> {
                    Random random = new Random(seed);
                    try (Connection c = lru.connect(DB, USER, USER, props("prepareThreshold", "1"))) {
                        PreparedStatement[] ps = new PreparedStatement[10];
                        for (int k = 0; k < 10; k++) {
                            ps[k] = c.prepareStatement("SELECT ?::int * " + (k + 2));
                        }
                        for (int i = 0; i < 300; i++) {
                            int k = i % 10;
                            int v = random.nextInt(1000);
                            ps[k].setInt(1, v);
                            int got = single(ps[k]);
                            if (got != v * (k + 2)) {
                                errors.add("statement " + k + ": " + got + " for " + v);
                            }
                            checked.increment();
                        }
                        long held = Jdbc.oneLong(c,
                                "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'pgmux\\_%'");
                        if (held > 3) {
                            errors.add("server holds " + held + " statements");
                        }
                    } catch (SQLException e) {
                        errors.add(e.getSQLState() + " " + e.getMessage());
                    }
                });
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(2, TimeUnit.MINUTES));
            assertTrue(errors.isEmpty(), errors.stream().limit(5).toList().toString());
            assertEquals(900, checked.sum());
            assertTrue(Jdbc.poolStats(lru).preparedEvictions.sum() > 100,
                    "evictions: " + Jdbc.poolStats(lru).preparedEvictions.sum());
        }
    }

    /**
     * limits.max_client_prepared_statements: 50: the 51st distinct named statement of one client is
     * refused with 53400 (configuration_limit_exceeded) naming the limit; the transaction is rolled
     * back and the connection, with its 50 statements, goes on working.
     */
    @Test
    void perClientLimitAnswers53400AndTheConnectionSurvives() throws Exception {
        try (Pgmux limited = start("limits: { max_client_prepared_statements: 50 }", "{ mode: transaction, size: 2 }");
             Connection c = limited.connect(DB, USER, USER,
                     props("prepareThreshold", "1", "preparedStatementCacheQueries", "1000"))) {
            c.setAutoCommit(false);
            List<PreparedStatement> ok = new ArrayList<>();
            SQLException refused = null;
            int refusedAt = -1;
            for (int k = 1; k <= 60 && refused == null; k++) {
                PreparedStatement ps = c.prepareStatement("SELECT " + k + " + ?::int");
                ps.setInt(1, 0);
                try {
                    assertEquals(k, single(ps));
                    ok.add(ps);
                } catch (SQLException e) {
                    refused = e;
                    refusedAt = k;
                }
            }
            assertNotNull(refused, "60 distinct named statements were all accepted with a limit of 50");
            assertEquals("53400", refused.getSQLState(), refused.getMessage());
            assertTrue(refused.getMessage().contains("max_client_prepared_statements"), refused.getMessage());
            assertEquals(51, refusedAt, "the limit is 50 statements");
            c.rollback(); // pgjdbc's ROLLBACK is a named statement too: it must pass at the limit
            for (int k = 1; k <= ok.size(); k++) {
                assertEquals(k, single(ok.get(k - 1)), "statement " + k + " after the rollback");
            }
            // still at the limit: another new statement is refused again, and the client recovers again
            SQLException again = assertThrows(SQLException.class, () -> one(c, "SELECT 1"));
            assertEquals("53400", again.getSQLState(), again.getMessage());
            c.rollback();
            assertEquals(7, single(ok.get(6)), "an existing statement after the second rollback");
            c.commit();
        }
    }

    /**
     * The limit at the protocol level, where ROLLBACK is a simple Query and needs no statement slot:
     * 50 named statements are accepted, the 51st is refused with 53400 inside a transaction, the
     * client rolls back, its 50 statements still work, and closing one frees a slot.
     */
    @Test
    void perClientLimitAtTheProtocolLevel() throws Exception {
        try (Pgmux limited = start("limits: { max_client_prepared_statements: 50 }", "{ mode: transaction, size: 2 }");
             RawPg c = rawClient(limited)) {
            java.io.ByteArrayOutputStream parses = new java.io.ByteArrayOutputStream();
            for (int k = 1; k <= 50; k++) {
                parses.writeBytes(parse("p" + k, "SELECT $1::int + " + k));
            }
            parses.writeBytes(sync());
            assertEquals("1".repeat(50) + "Z", types(c.send(parses.toByteArray()).readUntilReady()));
            assertEquals('T', transactionStatus(c.simpleQuery("BEGIN")));

            List<RawPg.Message> refused = c.send(concat(parse("p51", "SELECT $1::int + 51"), bind("", "p51", "0"),
                    execute("", 0), sync())).readUntilReady();
            assertEquals("EZ", types(refused), RawPg.describe(refused));
            assertEquals("53400", RawPg.firstError(refused).code());
            assertEquals('E', transactionStatus(refused));
            assertEquals('I', transactionStatus(c.simpleQuery("ROLLBACK")));

            for (int k = 1; k <= 50; k++) {
                assertEquals(List.of(String.valueOf(k + 1)),
                        run(c, concat(bind("", "p" + k, "1"), execute("", 0), sync()), "2DCZ"));
            }
            run(c, concat(close('S', "p1"), sync()), "3Z");
            assertEquals(List.of("52"), run(c, concat(parse("p51", "SELECT $1::int + 51"), bind("", "p51", "1"),
                    execute("", 0), sync()), "12DCZ"));
        }
    }

    // ------------------------------------------------------------------ DEALLOCATE ALL, DISCARD ALL

    /**
     * A raw client's simple-query DEALLOCATE ALL or DISCARD ALL on a server connection that also
     * serves another client's identical statement: the caller's names are gone (26000 on Bind, and
     * the name may be prepared again), the other client's statement is transparently prepared again.
     */
    @ParameterizedTest
    @CsvSource({"DEALLOCATE ALL", "DISCARD ALL"})
    void dropAllBySimpleQueryThenPrepareAgain(String command) throws Exception {
        String sql = "SELECT $1::int + 100 AS " + command.replace(' ', '_');
        try (Pgmux single = singleConnection(); RawPg a = rawClient(single); RawPg b = rawClient(single)) {
            assertEquals(List.of("101"), run(a, concat(parse("s1", sql), bind("", "s1", "1"), execute("", 0), sync()), "12DCZ"));
            assertEquals(List.of("102"), run(b, concat(parse("b1", sql), bind("", "b1", "2"), execute("", 0), sync()), "12DCZ"));

            List<RawPg.Message> dropped = a.simpleQuery(command);
            assertEquals("CZ", types(dropped), RawPg.describe(dropped));
            assertEquals(command, commandTag(dropped));

            assertEquals(List.of("103"), run(b, concat(bind("", "b1", "3"), execute("", 0), sync()), "2DCZ"));
            List<RawPg.Message> gone = a.send(concat(bind("", "s1", "4"), execute("", 0), sync())).readUntilReady();
            assertEquals("26000", RawPg.firstError(gone).code(), RawPg.describe(gone));
            assertEquals(List.of("105"), run(a, concat(parse("s1", sql), bind("", "s1", "5"), execute("", 0), sync()), "12DCZ"));
            assertEquals(List.of("106"), run(b, concat(bind("", "b1", "6"), execute("", 0), sync()), "2DCZ"));
        }
    }

    /**
     * The same through pgjdbc, which sends DEALLOCATE ALL / DISCARD ALL with the extended protocol
     * by default ({@code preferQueryMode=extended}) and as a simple Query with
     * {@code extendedForPrepared}. pgjdbc notices the command tag and prepares its statements again
     * under new names; both it and a second client sharing the server connection must go on working.
     */
    @ParameterizedTest(name = "{0} with preferQueryMode={1}")
    @CsvSource({
            "DEALLOCATE ALL, extended",
            "DISCARD ALL, extended",
            "DEALLOCATE ALL, extendedForPrepared",
            "DISCARD ALL, extendedForPrepared",
    })
    void dropAllByPgjdbcThenPrepareAgain(String command, String queryMode) throws Exception {
        String text = "SELECT ?::int + 300 AS " + command.replace(' ', '_') + "_" + queryMode;
        try (Pgmux single = singleConnection();
             Connection a = single.connect(DB, USER, USER, props("prepareThreshold", "1", "preferQueryMode", queryMode));
             Connection b = single.connect(DB, USER, USER, props("prepareThreshold", "1"));
             PreparedStatement pa = a.prepareStatement(text);
             PreparedStatement pb = b.prepareStatement(text)) {
            pa.setInt(1, 1);
            assertEquals(301, single(pa));
            pb.setInt(1, 2);
            assertEquals(302, single(pb));
            try (Statement st = a.createStatement()) {
                st.execute(command);
            }
            for (int i = 0; i < 3; i++) {
                pa.setInt(1, i);
                assertEquals(300 + i, single(pa), "the caller's statement after " + command);
                pb.setInt(1, i);
                assertEquals(300 + i, single(pb), "another client's statement after " + command);
            }
        }
    }

    /**
     * {@code DEALLOCATE name} of a protocol-level statement, as a simple Query: answered as
     * PostgreSQL would (CommandComplete DEALLOCATE), the name is gone and can be prepared again.
     */
    @Test
    void deallocateNameBySimpleQuery() throws Exception {
        try (RawPg a = rawClient(pgmux)) {
            assertEquals(List.of("8"), run(a, concat(parse("d1", "SELECT $1::int + 7"), bind("", "d1", "1"), execute("", 0), sync()), "12DCZ"));
            List<RawPg.Message> answer = a.simpleQuery("DEALLOCATE d1");
            assertEquals("CZ", types(answer), RawPg.describe(answer));
            assertEquals("DEALLOCATE", commandTag(answer));
            List<RawPg.Message> gone = a.send(concat(bind("", "d1", "1"), execute("", 0), sync())).readUntilReady();
            assertEquals("26000", RawPg.firstError(gone).code(), RawPg.describe(gone));
            assertEquals(List.of("9"), run(a, concat(parse("d1", "SELECT $1::int + 7"), bind("", "d1", "2"), execute("", 0), sync()), "12DCZ"));
        }
    }

    /**
     * {@code DEALLOCATE name} sent with the extended protocol (an unnamed Parse of the DEALLOCATE
     * text), which is how psycopg 3 and libpq's PQexecParams send it: must behave exactly like the
     * simple-query form.
     */
    @Test
    void deallocateNameByExtendedProtocol() throws Exception {
        String sql = "SELECT $1::int + 17";
        try (Pgmux single = singleConnection(); RawPg a = rawClient(single); RawPg b = rawClient(single)) {
            assertEquals(List.of("18"), run(a, concat(parse("d2", sql), bind("", "d2", "1"), execute("", 0), sync()), "12DCZ"));
            assertEquals(List.of("19"), run(b, concat(parse("b2", sql), bind("", "b2", "2"), execute("", 0), sync()), "12DCZ"));
            List<RawPg.Message> answer = a.send(unnamedQuery("DEALLOCATE d2")).readUntilReady();
            assertEquals("12CZ", types(answer), RawPg.describe(answer));
            assertEquals("DEALLOCATE", commandTag(answer));
            List<RawPg.Message> gone = a.send(concat(bind("", "d2", "1"), execute("", 0), sync())).readUntilReady();
            assertEquals("26000", RawPg.firstError(gone).code(), RawPg.describe(gone));
            // only a's name went: b's statement of the same text, on the same server connection, still works
            assertEquals(List.of("20"), run(b, concat(bind("", "b2", "3"), execute("", 0), sync()), "2DCZ"));
        }
    }

    /**
     * The server-side name depends on the statement (text and parameter types) only: two clients
     * preparing the same text under different names share ONE statement on the server connection,
     * while the same text with other parameter types is another statement (it may behave
     * differently: here {@code $1 || 'x'} on an int4 versus a text parameter).
     */
    @Test
    void oneServerStatementPerTextAndParameterTypes() throws Exception {
        String sql = "SELECT ($1 || 'x')::text AS shared_text";
        try (Pgmux single = singleConnection(); RawPg a = rawClient(single); RawPg b = rawClient(single);
             Connection look = single.connect(DB, USER, USER, props())) {
            assertEquals(List.of("007x"), run(a, concat(parse("a_text", sql, 25), bind("", "a_text", "007"),
                    execute("", 0), sync()), "12DCZ"));
            assertEquals(List.of("008x"), run(b, concat(parse("b_text", sql, 25), bind("", "b_text", "008"),
                    execute("", 0), sync()), "12DCZ"));
            assertEquals("pgmux_|1", one(look, "SELECT min(left(name, 6)) || '|' || count(*) FROM pg_prepared_statements"
                    + " WHERE statement = '" + sql.replace("'", "''") + "'"), "one server statement for both clients");

            assertEquals(List.of("7x"), run(b, concat(parse("b_int", sql, 23), bind("", "b_int", "007"),
                    execute("", 0), sync()), "12DCZ"));
            assertEquals("2", one(look, "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'pgmux\\_%'"
                    + " AND statement = '" + sql.replace("'", "''") + "'"), "other parameter types: another statement");
        }
    }

    /**
     * A client pinned by session state (SET work_mem) leaves: pgmux resets its server connection
     * with DISCARD ALL before reusing it, which also drops the statements pgmux had prepared there
     * for other clients. Those clients must not notice.
     */
    @Test
    void statementsSurviveTheResetOfAPinnedClientsConnection() throws Exception {
        try (Pgmux single = singleConnection();
             Connection b = single.connect(DB, USER, USER, props("prepareThreshold", "1"));
             PreparedStatement pb = b.prepareStatement("SELECT ?::int + 400")) {
            pb.setInt(1, 1);
            assertEquals(401, single(pb));
            try (Connection a = single.connect(DB, USER, USER, props()); Statement st = a.createStatement()) {
                st.execute("SET work_mem = '7MB'"); // pins a to the only server connection
                assertEquals("7MB", one(a, "SHOW work_mem"));
            } // a leaves: its connection is reset, then free again
            pb.setInt(1, 2);
            assertEquals(402, single(pb));
            assertEquals("4MB", one(b, "SHOW work_mem"), "the reset did run");
        }
    }

    // ------------------------------------------------------------------ schema changes

    /**
     * Inside an explicit transaction, a cached {@code SELECT *} after {@code ADD COLUMN} fails with
     * PostgreSQL's own 0A000 "cached plan must not change result type": pgmux cannot retry there
     * (the transaction is already aborted), so the client gets the error.
     */
    @Test
    void schemaChangeInsideATransactionGivesTheClient0A000() throws Exception {
        pg.sql(DB, "DROP TABLE IF EXISTS shape_tx", "CREATE TABLE shape_tx(id int PRIMARY KEY, a text)",
                "INSERT INTO shape_tx VALUES (1, 'one')", "ALTER TABLE shape_tx OWNER TO " + USER);
        try (Pgmux single = singleConnection();
             Connection c = single.connect(DB, USER, USER, props("prepareThreshold", "1"));
             PreparedStatement ps = c.prepareStatement("SELECT * FROM shape_tx WHERE id = ?")) {
            ps.setInt(1, 1);
            assertEquals(2, columns(ps));
            pg.sql(DB, "ALTER TABLE shape_tx ADD COLUMN b int DEFAULT 7");
            c.setAutoCommit(false);
            SQLException e = assertThrows(SQLException.class, () -> columns(ps));
            assertEquals("0A000", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("cached plan must not change result type"), e.getMessage());
            c.rollback();
        }
    }

    /**
     * After that error pgjdbc prepares its statements again under new names (it does so against
     * PostgreSQL directly, checked first as the control). Through pgmux the statement must heal the
     * same way: the re-Parse must reach the server rather than be answered from a server-side
     * statement that is now permanently invalid.
     */
    @Test
    void statementHealsAfterSchemaChangeError() throws Exception {
        pg.sql(DB, "DROP TABLE IF EXISTS shape_heal", "CREATE TABLE shape_heal(id int PRIMARY KEY, a text)",
                "INSERT INTO shape_heal VALUES (1, 'one')", "ALTER TABLE shape_heal OWNER TO " + USER);
        Properties driver = props("prepareThreshold", "1");
        Properties directProps = props("prepareThreshold", "1", "user", USER, "password", USER);
        try (Connection direct = java.sql.DriverManager.getConnection(pg.jdbcUrl(DB), directProps);
             Pgmux single = singleConnection();
             Connection proxied = single.connect(DB, USER, USER, driver);
             PreparedStatement pd = direct.prepareStatement("SELECT * FROM shape_heal WHERE id = ?");
             PreparedStatement pp = proxied.prepareStatement("SELECT * FROM shape_heal WHERE id = ?")) {
            pd.setInt(1, 1);
            pp.setInt(1, 1);
            assertEquals(2, columns(pd));
            assertEquals(2, columns(pp));
            pg.sql(DB, "ALTER TABLE shape_heal ADD COLUMN b int DEFAULT 7");
            for (Connection c : List.of(direct, proxied)) {
                c.setAutoCommit(false);
            }
            SQLException directError = assertThrows(SQLException.class, () -> columns(pd));
            assertEquals("0A000", directError.getSQLState());
            direct.rollback();
            assertEquals(3, columns(pd), "control: pgjdbc heals against PostgreSQL directly");

            SQLException proxiedError = assertThrows(SQLException.class, () -> columns(pp));
            assertEquals("0A000", proxiedError.getSQLState());
            proxied.rollback();
            assertEquals(3, columns(pp), "through pgmux the statement must heal as it does directly");
            proxied.commit();
        }
    }

    /**
     * Outside a transaction, a statement whose cached plan went stale after DDL is re-prepared and
     * run again, and the client sees only the new result: its batch asked for the portal's row
     * description (Describe 'P') and one result format for all columns, so the retry's answers are
     * exactly what PostgreSQL would give a freshly prepared statement (libpq's PQexecPrepared shape).
     */
    @Test
    void schemaChangeOutsideATransactionIsRetriedTransparently() throws Exception {
        pg.sql(DB, "DROP TABLE IF EXISTS shape_auto", "CREATE TABLE shape_auto(id int PRIMARY KEY, a text)",
                "INSERT INTO shape_auto VALUES (1, 'one')", "ALTER TABLE shape_auto OWNER TO " + USER);
        try (Pgmux single = singleConnection(); RawPg c = rawClient(single)) {
            run(c, concat(parse("shape", "SELECT * FROM shape_auto WHERE id = $1"), sync()), "1Z");
            byte[] batch = concat(bind("", "shape", "1"), WireMessages.describe('P', ""), execute("", 0), sync());
            assertEquals(List.of("1", "one"), firstRow(c, batch, "2TDCZ"));
            pg.sql(DB, "ALTER TABLE shape_auto ADD COLUMN b int DEFAULT 7");
            assertEquals(List.of("1", "one", "7"), firstRow(c, batch, "2TDCZ"), "no error: the retry's answers only");
            assertEquals(List.of("1", "one", "7"), firstRow(c, batch, "2TDCZ"), "and the re-prepared statement stays good");
        }
    }

    /**
     * A client that does not describe the portal (pgjdbc reuses the row description it cached) gets
     * the error, as from PostgreSQL directly: replaying its Bind would hand it rows of a shape it does
     * not expect. Inside a transaction the error always goes to the client.
     */
    @Test
    void schemaChangeWithoutDescribeIsNotRetried() throws Exception {
        pg.sql(DB, "DROP TABLE IF EXISTS shape_nodesc", "CREATE TABLE shape_nodesc(id int PRIMARY KEY, a text)",
                "INSERT INTO shape_nodesc VALUES (1, 'one')", "ALTER TABLE shape_nodesc OWNER TO " + USER);
        try (Pgmux single = singleConnection(); RawPg c = rawClient(single)) {
            run(c, concat(parse("nodesc", "SELECT * FROM shape_nodesc WHERE id = $1"), sync()), "1Z");
            byte[] batch = concat(bind("", "nodesc", "1"), execute("", 0), sync());
            assertEquals(List.of("1", "one"), firstRow(c, batch, "2DCZ"));
            pg.sql(DB, "ALTER TABLE shape_nodesc ADD COLUMN b int DEFAULT 7");
            List<RawPg.Message> failed = c.send(batch).readUntilReady();
            assertEquals("EZ", types(failed), RawPg.describe(failed));
            assertEquals("0A000", RawPg.firstError(failed).code());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Sends {@code pipeline}, checks the message types that come back, returns the first row's columns. */
    private static List<String> firstRow(RawPg c, byte[] pipeline, String expectedTypes) throws Exception {
        List<RawPg.Message> messages = c.send(pipeline).readUntilReady();
        assertEquals(expectedTypes, types(messages), RawPg.describe(messages));
        return messages.stream().filter(m -> m.type() == 'D').findFirst().map(WireMessages::columns).orElseThrow();
    }

    private static RawPg rawClient(Pgmux proxy) throws Exception {
        RawPg c = RawPg.connect(proxy.port());
        c.login(RAW, DB, RAW);
        return c;
    }

    /** Sends {@code pipeline} (ending with one Sync), checks the message types, returns the first columns. */
    private static List<String> run(RawPg c, byte[] pipeline, String expectedTypes) throws Exception {
        List<RawPg.Message> answer = c.send(pipeline).readUntilReady();
        assertEquals(expectedTypes, types(answer), RawPg.describe(answer));
        return firstColumns(answer);
    }

    private static int single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** Runs {@code ps} and returns the column count of its single row. */
    private static int columns(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt("id"));
            return rs.getMetaData().getColumnCount();
        }
    }
}
