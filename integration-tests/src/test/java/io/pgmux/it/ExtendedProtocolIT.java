package io.pgmux.it;

import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgmux.it.support.Jdbc.one;
import static io.pgmux.it.support.Jdbc.oneLong;
import static io.pgmux.it.support.Jdbc.props;
import static io.pgmux.it.support.WireMessages.bind;
import static io.pgmux.it.support.WireMessages.close;
import static io.pgmux.it.support.WireMessages.commandTag;
import static io.pgmux.it.support.WireMessages.concat;
import static io.pgmux.it.support.WireMessages.copyData;
import static io.pgmux.it.support.WireMessages.copyDone;
import static io.pgmux.it.support.WireMessages.copyFail;
import static io.pgmux.it.support.WireMessages.copyText;
import static io.pgmux.it.support.WireMessages.describe;
import static io.pgmux.it.support.WireMessages.execute;
import static io.pgmux.it.support.WireMessages.firstColumns;
import static io.pgmux.it.support.WireMessages.flush;
import static io.pgmux.it.support.WireMessages.functionCall;
import static io.pgmux.it.support.WireMessages.functionResult;
import static io.pgmux.it.support.WireMessages.parse;
import static io.pgmux.it.support.WireMessages.readUntil;
import static io.pgmux.it.support.WireMessages.sync;
import static io.pgmux.it.support.WireMessages.transactionStatus;
import static io.pgmux.it.support.WireMessages.types;
import static io.pgmux.it.support.WireMessages.unnamedQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extended query protocol and its relatives through a transaction-mode pool of ONE server
 * connection: batches, errors in the middle of a pipeline, portals and cursors, COPY both ways and
 * CopyFail, FunctionCall, empty queries, several statements in one Query.
 *
 * <p>The pool of one is the point: after every test (and in several tests, in the middle) another
 * client must get that server connection, which it can only do if pgmux counted every Sync and
 * ReadyForQuery right and gave the connection back at the end of the transaction. A leaked
 * connection turns into a query_wait_timeout error rather than a hang.
 */
class ExtendedProtocolIT {
    private static final String DB = "extended_it";
    private static final String USER = "extended_app";
    private static final String RAW = "extended_raw";

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE rows(id int PRIMARY KEY, v text NOT NULL)",
                "CREATE TABLE copy_rows(id int PRIMARY KEY, v text NOT NULL)",
                "ALTER TABLE rows OWNER TO " + USER, "ALTER TABLE copy_rows OWNER TO " + USER);
        pgmux = PgmuxSetup.of(pg, DB, USER).top("workers: 1").top("limits: { query_wait_timeout: 10s }")
                .user("{ name: " + RAW + ", password: " + RAW + ", auth: md5 }").pool("{ mode: transaction, size: 1 }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    /** Server connections pgmux had opened when the test started (after making sure one exists). */
    private long openedAtStart;

    @BeforeEach
    void emptyTables() throws SQLException {
        pg.sql(DB, "TRUNCATE rows, copy_rows");
        assertNextClientRuns0();
        openedAtStart = Jdbc.poolStats(pgmux).serverConnectionsOpened.sum();
    }

    // ------------------------------------------------------------------ batches

    /** 1000 inserts in one executeBatch (a long pipeline of Bind/Execute), plain and rewritten. */
    @ParameterizedTest(name = "reWriteBatchedInserts={0}")
    @ValueSource(booleans = {false, true})
    void batchOfThousandInserts(boolean rewrite) throws Exception {
        try (Connection c = connect(props("reWriteBatchedInserts", String.valueOf(rewrite)));
             PreparedStatement ps = c.prepareStatement("INSERT INTO rows(id, v) VALUES (?, ?)")) {
            for (int i = 1; i <= 1000; i++) {
                ps.setInt(1, i);
                ps.setString(2, "row " + i);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            assertEquals(1000, counts.length);
            for (int n : counts) {
                // rewritten multi-row inserts report SUCCESS_NO_INFO per row
                assertTrue(n == 1 || (rewrite && n == Statement.SUCCESS_NO_INFO), "count " + n);
            }
            assertEquals("1000|500500", one(c, "SELECT count(*) || '|' || sum(id) FROM rows"));
            assertNextClientRuns(); // while this client stays connected
        }
    }

    /**
     * Row 500 repeats a key: the server fails there and skips the rest of the pipeline to the Sync.
     * The driver reports a BatchUpdateException, nothing is committed, the connection works, and
     * the server connection is free for the next client.
     */
    @ParameterizedTest(name = "reWriteBatchedInserts={0}")
    @ValueSource(booleans = {false, true})
    void errorInTheMiddleOfABatch(boolean rewrite) throws Exception {
        try (Connection c = connect(props("reWriteBatchedInserts", String.valueOf(rewrite)));
             PreparedStatement ps = c.prepareStatement("INSERT INTO rows(id, v) VALUES (?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= 1000; i++) {
                ps.setInt(1, i == 500 ? 1 : i);
                ps.setString(2, "row " + i);
                ps.addBatch();
            }
            BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            assertEquals("23505", cause.getSQLState(), cause.getMessage());
            c.rollback();
            assertEquals(0, oneLong(c, "SELECT count(*) FROM rows"), "nothing committed");
            c.commit();
            c.setAutoCommit(true);
            ps.setInt(1, 7);
            ps.setString(2, "after");
            assertEquals(1, ps.executeUpdate());
            assertEquals("after", one(c, "SELECT v FROM rows WHERE id = 7"));
            assertNextClientRuns(); // while this client stays connected
        }
    }

    // ------------------------------------------------------------------ portals and cursors

    /** setFetchSize inside a transaction: a portal executed 10 rows at a time, all rows in order. */
    @Test
    void portalFetchesInsideATransaction() throws Exception {
        try (Connection c = connect(props())) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT g, 'v' || g FROM generate_series(1, ?) g ORDER BY g")) {
                ps.setFetchSize(10);
                ps.setInt(1, 1000);
                int expected = 1;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertEquals(expected, rs.getInt(1));
                        assertEquals("v" + expected, rs.getString(2));
                        expected++;
                    }
                }
                assertEquals(1001, expected, "all 1000 rows");
            }
            c.commit();
            assertNextClientRuns(); // while this client stays connected
        }
    }

    /** SQL cursors: DECLARE, FETCH in steps, MOVE, CLOSE, within one transaction. */
    @Test
    void sqlCursorInsideATransaction() throws Exception {
        try (Connection c = connect(props()); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("DECLARE cur CURSOR FOR SELECT g FROM generate_series(1, 1000) g ORDER BY g");
            long sum = 0;
            int seen = 0;
            for (int step = 0; step < 10; step++) {
                try (ResultSet rs = st.executeQuery("FETCH 100 FROM cur")) {
                    while (rs.next()) {
                        seen++;
                        assertEquals(seen, rs.getInt(1));
                        sum += rs.getInt(1);
                    }
                }
            }
            assertEquals(1000, seen);
            assertEquals(500500, sum);
            st.execute("MOVE ABSOLUTE 0 IN cur");
            assertEquals("1", one(c, "FETCH 1 FROM cur"));
            st.execute("CLOSE cur");
            c.commit();
            assertNextClientRuns(); // while this client stays connected
        }
    }

    // ------------------------------------------------------------------ COPY

    /** COPY FROM STDIN and TO STDOUT of 100,000 rows with pgjdbc's CopyManager: exact counts, identical bytes. */
    @Test
    void copyInAndOutHundredThousandRows() throws Exception {
        StringBuilder input = new StringBuilder();
        for (int i = 1; i <= 100_000; i++) {
            input.append(i).append('\t').append("value ").append(i * 7L % 1000).append('\n');
        }
        try (Connection c = connect(props())) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long in = copy.copyIn("COPY copy_rows(id, v) FROM STDIN", new StringReader(input.toString()));
            assertEquals(100_000, in);
            assertEquals("100000|5000050000", one(c, "SELECT count(*) || '|' || sum(id) FROM copy_rows"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long outRows = copy.copyOut("COPY (SELECT id, v FROM copy_rows ORDER BY id) TO STDOUT", out);
            assertEquals(100_000, outRows);
            assertEquals(sha256(input.toString().getBytes(StandardCharsets.UTF_8)), sha256(out.toByteArray()),
                    "COPY TO returned exactly what COPY FROM loaded");
            assertNextClientRuns(); // while this client stays connected
        }
    }

    /**
     * CopyFail two ways: the data source throws (pgjdbc sends CopyFail with the reason) and an
     * explicit cancelCopy. Nothing is loaded, the connection goes on, the server connection is free.
     */
    @Test
    void copyFailLeavesTheConnectionUsable() throws Exception {
        try (Connection c = connect(props())) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            Reader failing = new Reader() {
                private int lines;

                @Override
                public int read(char[] buf, int off, int len) throws IOException {
                    if (lines++ == 1000) {
                        throw new IOException("source broke");
                    }
                    String line = lines + "\tx\n";
                    line.getChars(0, line.length(), buf, off);
                    return line.length();
                }

                @Override
                public void close() {
                }
            };
            // pgjdbc sends CopyFail, then rethrows the source's exception
            IOException e = assertThrows(IOException.class, () -> copy.copyIn("COPY copy_rows(id, v) FROM STDIN", failing));
            assertEquals("source broke", e.getMessage());
            assertEquals(0, oneLong(c, "SELECT count(*) FROM copy_rows"));

            CopyIn ci = copy.copyIn("COPY copy_rows(id, v) FROM STDIN");
            byte[] row = "1\tone\n".getBytes(StandardCharsets.UTF_8);
            ci.writeToCopy(row, 0, row.length);
            ci.cancelCopy();
            assertFalse(ci.isActive());
            assertEquals(0, oneLong(c, "SELECT count(*) FROM copy_rows"));
            assertEquals(3, copy.copyIn("COPY copy_rows(id, v) FROM STDIN", new StringReader("1\ta\n2\tb\n3\tc\n")));
            assertNextClientRuns(); // while this client stays connected
        }
    }

    /** COPY with a raw client: simple Query, then CopyData/CopyDone, and CopyFail, then COPY TO. */
    @Test
    void copyBySimpleQueryAtTheProtocolLevel() throws Exception {
        try (RawPg c = raw()) {
            c.send(RawPg.query("COPY copy_rows(id, v) FROM STDIN"));
            assertEquals("G", types(readUntil(c, 'G')));
            c.send(concat(copyData("1\ta\n2\tb\n"), copyData("3\tc\n"), copyDone()));
            List<RawPg.Message> done = c.readUntilReady();
            assertEquals("CZ", types(done), RawPg.describe(done));
            assertEquals("COPY 3", commandTag(done));

            c.send(RawPg.query("COPY copy_rows(id, v) FROM STDIN"));
            readUntil(c, 'G');
            c.send(concat(copyData("4\td\n"), copyFail("changed my mind")));
            List<RawPg.Message> failed = c.readUntilReady();
            assertEquals("EZ", types(failed), RawPg.describe(failed));
            assertEquals("57014", RawPg.firstError(failed).code());

            assertNextClientRuns(); // while this client stays connected: it gave the server back

            List<RawPg.Message> out = c.simpleQuery("COPY (SELECT id, v FROM copy_rows ORDER BY id) TO STDOUT");
            assertEquals("1\ta\n2\tb\n3\tc\n", copyText(out));
            assertEquals("COPY 3", commandTag(out));
            assertNextClientRuns();
        }
    }

    /**
     * COPY with the extended protocol, sent as libpq sends it for PQexecParams: Parse, Bind,
     * Describe, Execute and Sync in one go, then CopyData, CopyDone and another Sync. PostgreSQL
     * ignores the Sync that arrives during COPY, so there is one ReadyForQuery, not two: pgmux must
     * not wait for a second one (and hold the server connection forever).
     */
    @Test
    void copyByExtendedProtocolAsLibpqSendsIt() throws Exception {
        try (RawPg c = raw()) {
            c.send(concat(parse("", "COPY copy_rows(id, v) FROM STDIN"), bind("", ""),
                    describe('P', ""), execute("", 0), sync()));
            assertEquals("12nG", types(readUntil(c, 'G')));
            c.send(concat(copyData("10\tx\n11\ty\n"), copyDone(), sync()));
            List<RawPg.Message> done = c.readUntilReady();
            assertEquals("CZ", types(done), RawPg.describe(done));
            assertEquals("COPY 2", commandTag(done));
            // one ReadyForQuery was owed, not two: this client gave the server connection back
            assertNextClientRuns();

            c.send(concat(parse("", "COPY (SELECT id FROM copy_rows ORDER BY id) TO STDOUT"), bind("", ""),
                    execute("", 0), sync()));
            List<RawPg.Message> out = c.readUntilReady();
            assertEquals("10\n11\n", copyText(out));
            assertEquals("COPY 2", commandTag(out));
            assertEquals(List.of("21"), firstColumns(c.simpleQuery("SELECT sum(id) FROM copy_rows")));
            assertNextClientRuns();
        }
    }

    /**
     * CopyFail in the extended protocol, as libpq sends it (PQputCopyEnd with an error message after
     * PQsendQueryParams): Parse/Bind/Execute/Sync, CopyData, CopyFail, Sync. The first Sync arrives
     * during COPY and is ignored; after the CopyFail error the server skips to the second Sync: one
     * ReadyForQuery in all, nothing loaded, and the server connection goes back to the pool.
     */
    @Test
    void copyFailByExtendedProtocol() throws Exception {
        try (RawPg c = raw()) {
            c.send(concat(parse("", "COPY copy_rows(id, v) FROM STDIN"), bind("", ""), execute("", 0), sync()));
            assertEquals("12G", types(readUntil(c, 'G')));
            c.send(concat(copyData("20\tx\n21\ty\n"), copyFail("changed my mind"), sync()));
            List<RawPg.Message> failed = c.readUntilReady();
            assertEquals("EZ", types(failed), RawPg.describe(failed));
            assertEquals("57014", RawPg.firstError(failed).code());
            assertEquals('I', transactionStatus(failed));
            assertNextClientRuns(); // while this client stays connected: it gave the server back

            assertEquals(List.of("0"), firstColumns(c.simpleQuery("SELECT count(*) FROM copy_rows")));
            assertNextClientRuns();
        }
    }

    // ------------------------------------------------------------------ Flush

    /**
     * Flush without Sync (asyncpg and libpq's pipeline mode send it): the answers so far arrive at
     * once, without ReadyForQuery, and the client keeps the server connection (another client waits)
     * until its Sync. Then, on the same server connection, a second client's Parse of the same text is
     * answered by pgmux (ParseComplete without a round trip): behind a Flush that synthesized answer
     * must still come out in its place, after the server's answers to the requests sent before it.
     */
    @Test
    void flushAnswersWithoutEndingTheTransaction() throws Exception {
        String sql = "SELECT $1::int * 3";
        try (RawPg first = raw(); RawPg second = raw(); RawPg third = raw()) {
            first.send(concat(parse("fl_1", sql), bind("", "fl_1", "14"), describe('P', ""), execute("", 0), flush()));
            List<RawPg.Message> flushed = readUntil(first, 'C');
            assertEquals("12TDC", types(flushed), RawPg.describe(flushed));
            assertEquals(List.of("42"), firstColumns(flushed));

            CompletableFuture<List<RawPg.Message>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return third.simpleQuery("SELECT 'third client'");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(500);
            assertFalse(waiting.isDone(), "another client got the server connection before the Sync");
            List<RawPg.Message> synced = first.send(sync()).readUntilReady();
            assertEquals("Z", types(synced), RawPg.describe(synced));
            assertEquals(List.of("third client"), firstColumns(waiting.get(10, TimeUnit.SECONDS)));

            second.send(concat(parse("", "SELECT 1"), describe('S', ""),
                    parse("fl_2", sql), bind("", "fl_2", "5"), execute("", 0), close('S', "fl_2"), flush()));
            List<RawPg.Message> mixed = readUntil(second, '3');
            assertEquals("1tT12DC3", types(mixed), RawPg.describe(mixed));
            assertEquals(List.of("15"), firstColumns(mixed));
            assertEquals("Z", types(second.send(sync()).readUntilReady()));
            assertNextClientRuns();
        }
    }

    // ------------------------------------------------------------------ FunctionCall, empty and multi-statement queries

    /** pgjdbc's large objects use the fastpath FunctionCall protocol: write 1 MB and read it back. */
    @Test
    void largeObjectsThroughFunctionCalls() throws Exception {
        byte[] blob = new byte[1 << 20];
        new Random(42).nextBytes(blob);
        try (Connection c = connect(props())) {
            c.setAutoCommit(false); // large objects live in transactions
            LargeObjectManager lom = c.unwrap(PGConnection.class).getLargeObjectAPI();
            long oid = lom.createLO(LargeObjectManager.READWRITE);
            try (LargeObject lo = lom.open(oid, LargeObjectManager.WRITE)) {
                lo.write(blob);
            }
            c.commit();
            try (LargeObject lo = lom.open(oid, LargeObjectManager.READ)) {
                assertEquals(blob.length, lo.size());
                assertArrayEquals(blob, lo.read(blob.length));
            }
            lom.delete(oid);
            c.commit();
            assertNextClientRuns(); // while this client stays connected
        }
    }

    /** A raw FunctionCall outside a transaction: int4pl(2, 40), answered with 42 and ReadyForQuery. */
    @Test
    void functionCallAtTheProtocolLevel() throws Exception {
        try (RawPg c = raw()) {
            int int4pl = Integer.parseInt(firstColumns(c.simpleQuery("SELECT 'int4pl'::regproc::oid")).get(0));
            for (int i = 0; i < 3; i++) { // each call acquires and releases the only server connection
                List<RawPg.Message> answer = c.send(functionCall(int4pl, "2", String.valueOf(40 + i))).readUntilReady();
                assertEquals("VZ", types(answer), RawPg.describe(answer));
                assertEquals(String.valueOf(42 + i), functionResult(answer));
                assertEquals('I', transactionStatus(answer));
                assertNextClientRuns();
            }
        }
    }

    /** Empty queries: pgjdbc's execute("") and execute(";"), and the raw EmptyQueryResponse both ways. */
    @Test
    void emptyQueries() throws Exception {
        try (Connection c = connect(props()); Statement st = c.createStatement()) {
            assertFalse(st.execute(""));
            assertFalse(st.execute(";"));
            assertEquals("1", one(c, "SELECT 1"));
        }
        try (RawPg c = raw()) {
            assertEquals("IZ", types(c.simpleQuery("")));
            List<RawPg.Message> extended = c.send(unnamedQuery("")).readUntilReady();
            assertEquals("12IZ", types(extended), RawPg.describe(extended));
            assertEquals(List.of("2"), firstColumns(c.simpleQuery("SELECT 2")));
            assertNextClientRuns();
        }
    }

    /** Several statements in one simple Query (and pgjdbc's own split of them): every result arrives. */
    @Test
    void severalStatementsInOneQuery() throws Exception {
        for (String mode : List.of("extended", "simple")) {
            try (Connection c = connect(props("preferQueryMode", mode)); Statement st = c.createStatement()) {
                assertTrue(st.execute("SELECT 1; SELECT 2; SELECT 3"));
                List<Integer> values = new ArrayList<>();
                do {
                    try (ResultSet rs = st.getResultSet()) {
                        rs.next();
                        values.add(rs.getInt(1));
                    }
                } while (st.getMoreResults());
                assertEquals(List.of(1, 2, 3), values, mode);
            }
        }
        try (RawPg c = raw()) {
            List<RawPg.Message> answer = c.simpleQuery("SELECT 1; SELECT 2");
            assertEquals("TDCTDCZ", types(answer));
            assertEquals(List.of("1", "2"), firstColumns(answer));
            List<RawPg.Message> failing = c.simpleQuery("SELECT 1; SELECT 1/0; SELECT 3");
            assertEquals("TDCEZ", types(failing), RawPg.describe(failing));
            assertEquals("22012", RawPg.firstError(failing).code());
            assertNextClientRuns();
        }
    }

    // ------------------------------------------------------------------ pipelining

    /**
     * Three Parse/Bind/Execute/Sync groups written at once, the second failing at Bind (a text that
     * is no integer). The server answers group 1, then an error for group 2 (skipping to its Sync),
     * then group 3; the third is slow, and a second client asks for the only server connection as
     * soon as group 2's ReadyForQuery arrived. pgmux must keep the connection until the last
     * ReadyForQuery: each client then gets exactly its own answers.
     */
    @ParameterizedTest(name = "named statements: {0}")
    @ValueSource(booleans = {false, true})
    void pipelineWithAnErrorInTheMiddle(boolean named) throws Exception {
        String s1 = named ? "pipe_1" : "";
        String s2 = named ? "pipe_2" : "";
        String s3 = named ? "pipe_3" : "";
        try (RawPg first = raw(); RawPg second = raw()) {
            first.send(concat(
                    parse(s1, "SELECT $1::int + 0"), bind("", s1, "1"), execute("", 0), sync(),
                    parse(s2, "SELECT $1::int + 1"), bind("", s2, "not a number"), execute("", 0), sync(),
                    parse(s3, "SELECT $1::int + 2 FROM pg_sleep(0.3)"), bind("", s3, "1"), execute("", 0), sync()));
            List<RawPg.Message> r1 = first.readUntilReady();
            assertEquals("12DCZ", types(r1), RawPg.describe(r1));
            assertEquals(List.of("1"), firstColumns(r1));
            List<RawPg.Message> r2 = first.readUntilReady();
            assertEquals("1EZ", types(r2), RawPg.describe(r2));
            assertEquals("22P02", RawPg.firstError(r2).code());

            CompletableFuture<List<RawPg.Message>> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return second.simpleQuery("SELECT 'second client'");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            List<RawPg.Message> r3 = first.readUntilReady();
            assertEquals("12DCZ", types(r3), RawPg.describe(r3));
            assertEquals(List.of("3"), firstColumns(r3));
            List<RawPg.Message> secondAnswer = other.get(10, TimeUnit.SECONDS);
            assertEquals("TDCZ", types(secondAnswer), RawPg.describe(secondAnswer));
            assertEquals(List.of("second client"), firstColumns(secondAnswer));

            if (named) { // the failed Bind did not lose the statement; the others are still there too
                List<RawPg.Message> again = first.send(concat(bind("", s2, "41"), execute("", 0), sync(),
                        bind("", s3, "40"), execute("", 0), sync())).readUntilReady();
                assertEquals(List.of("42"), firstColumns(again));
                assertEquals(List.of("42"), firstColumns(first.readUntilReady()));
            }
            assertNextClientRuns();
        }
    }

    /**
     * A named statement whose Parse fails (syntax error) in the middle of a pipeline creates no
     * statement, as in PostgreSQL: Bind of it later gives 26000, while the statement parsed in the
     * first group keeps working, and the name can be parsed again correctly.
     */
    @Test
    void failedParseInAPipelineCreatesNoStatement() throws Exception {
        try (RawPg c = raw()) {
            c.send(concat(
                    parse("ok_stmt", "SELECT $1::int * 10"), bind("", "ok_stmt", "4"), execute("", 0), sync(),
                    parse("bad_stmt", "SELEC $1"), bind("", "bad_stmt", "1"), execute("", 0), sync(),
                    bind("", "ok_stmt", "5"), execute("", 0), sync()));
            assertEquals(List.of("40"), firstColumns(c.readUntilReady()));
            List<RawPg.Message> bad = c.readUntilReady();
            assertEquals("EZ", types(bad), RawPg.describe(bad));
            assertEquals("42601", RawPg.firstError(bad).code());
            List<RawPg.Message> third = c.readUntilReady();
            assertEquals("2DCZ", types(third), RawPg.describe(third));
            assertEquals(List.of("50"), firstColumns(third));

            List<RawPg.Message> missing = c.send(concat(bind("", "bad_stmt", "1"), execute("", 0), sync())).readUntilReady();
            assertEquals("26000", RawPg.firstError(missing).code(), RawPg.describe(missing));
            List<RawPg.Message> fixed = c.send(concat(parse("bad_stmt", "SELECT $1::int - 1"), bind("", "bad_stmt", "1"),
                    execute("", 0), sync())).readUntilReady();
            assertEquals("12DCZ", types(fixed), RawPg.describe(fixed));
            assertEquals(List.of("0"), firstColumns(fixed));
            assertNextClientRuns();
        }
    }

    /** An error inside an explicit transaction in a pipeline: status 'E' until ROLLBACK, then the server is free. */
    @Test
    void pipelineErrorInsideATransaction() throws Exception {
        try (RawPg c = raw()) {
            c.send(concat(unnamedQuery("BEGIN"), unnamedQuery("SELECT 1/0"), unnamedQuery("SELECT 1")));
            assertEquals('T', transactionStatus(c.readUntilReady()));
            List<RawPg.Message> failed = c.readUntilReady();
            assertEquals("22012", RawPg.firstError(failed).code());
            assertEquals('E', transactionStatus(failed));
            List<RawPg.Message> aborted = c.readUntilReady();
            assertEquals("25P02", RawPg.firstError(aborted).code());
            assertEquals('E', transactionStatus(aborted));
            assertEquals('I', transactionStatus(c.simpleQuery("ROLLBACK")));
            assertNextClientRuns();
            assertEquals(List.of("5"), firstColumns(c.simpleQuery("SELECT 5")));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Connection connect(java.util.Properties extra) throws SQLException {
        return pgmux.connect(DB, USER, USER, extra);
    }

    private static RawPg raw() throws IOException {
        RawPg c = RawPg.connect(pgmux.port());
        c.login(RAW, DB, RAW);
        return c;
    }

    /**
     * Another client gets the pool's only server connection: proof that the previous client's
     * connection went back to the pool (else this fails with query_wait_timeout after 10 s), and the
     * very same connection (one event loop, so the pool never moves it): none was closed as
     * unusable because pgmux lost track of what it owed.
     */
    private void assertNextClientRuns() throws SQLException {
        assertNextClientRuns0();
        assertEquals(openedAtStart, Jdbc.poolStats(pgmux).serverConnectionsOpened.sum(),
                "server connections opened during the test");
    }

    private static void assertNextClientRuns0() throws SQLException {
        try (Connection next = connect(props())) {
            assertEquals("next", one(next, "SELECT 'next'"));
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
