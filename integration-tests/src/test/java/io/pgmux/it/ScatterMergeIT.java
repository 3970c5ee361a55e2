package io.pgmux.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.TestPostgres;
import io.pgmux.it.support.WireMessages;
import io.pgmux.sharding.ScatterMerger;
import io.pgmux.sharding.ScatterPlan;
import io.pgmux.sharding.ScatterPlanner;
import io.pgmux.sharding.ScatterResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scatter-gather against real PostgreSQL: the same generated rows in one database and split over
 * two "shard" databases; each query runs on the single database, and (as its plan's shard SQL)
 * on both shards, whose raw answers go through {@link ScatterMerger}. The merged messages must
 * equal the single database's, row for row.
 */
class ScatterMergeIT {
    private static final String COLUMNS = "id int PRIMARY KEY, grp int2, big int8, amount numeric(12,3),"
            + " price float8, ts timestamp, tstz timestamptz, d date, name text, flag bool, u uuid, code char(4)";
    // deterministic values with NULLs, negative numbers, BC dates, years past 9999, non-ASCII text
    private static final String ROWS = "SELECT i, (i % 7)::int2,"
            + " CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7919::bigint) % 100003 - 50000 END,"
            + " CASE WHEN i % 13 = 0 THEN NULL ELSE ((i * 37) % 10007 - 4000) / 8.0 END,"
            + " CASE WHEN i % 17 = 0 THEN NULL ELSE (i % 200) * 0.25 END,"
            + " timestamp '2000-01-01' + (i * 37 % 5000) * interval '67 minutes 1.5 seconds',"
            + " CASE WHEN i % 19 = 0 THEN NULL WHEN i % 97 = 0 THEN timestamptz '0044-03-15 12:00+00 BC'"
            + "   WHEN i % 89 = 0 THEN timestamptz '12000-01-01 00:00+00'"
            + "   ELSE timestamptz '1999-12-31 23:00+00' + (i * 53 % 7000) * interval '3 hours 1 minute' END,"
            + " CASE WHEN i % 23 = 0 THEN NULL WHEN i % 101 = 0 THEN date 'infinity'"
            + "   ELSE date '1990-01-01' + (i * 31 % 20000) END,"
            + " CASE WHEN i % 5 = 0 THEN NULL ELSE chr(65 + i % 58) || 'x' || (i * 31 % 1000)"
            + "   || CASE WHEN i % 3 = 0 THEN 'é' WHEN i % 7 = 0 THEN '€' ELSE '' END END,"
            + " i % 3 = 0, md5(i::text)::uuid, chr(97 + i % 26) || (i % 10)"
            + " FROM generate_series(1, 3000) i";

    static TestPostgres pg;
    static final ScatterMerger MERGER = new ScatterMerger(UnpooledByteBufAllocator.DEFAULT, true);

    @BeforeAll
    static void start() {
        pg = TestPostgres.start("scatter", b -> b.hostAuth("trust"));
        for (String db : List.of("scatter_all", "scatter_s1", "scatter_s2")) {
            pg.sql("postgres", "CREATE DATABASE " + db + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
            pg.sql(db, "CREATE TABLE items(" + COLUMNS + ")");
        }
        pg.sql("scatter_all", "INSERT INTO items " + ROWS);
        pg.sql("scatter_s1", "INSERT INTO items " + ROWS + " WHERE i % 3 = 0");
        pg.sql("scatter_s2", "INSERT INTO items " + ROWS + " WHERE i % 3 <> 0");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, amount, name FROM items ORDER BY amount DESC NULLS LAST, id LIMIT 50 OFFSET 10",
            "SELECT * FROM items ORDER BY name, id",
            "SELECT id, ts, tstz, d FROM items ORDER BY tstz DESC, id FETCH FIRST 100 ROWS ONLY",
            "SELECT id, d FROM items ORDER BY d NULLS FIRST, id OFFSET 2950",
            "SELECT price, id FROM items ORDER BY 1, 2 DESC LIMIT 200",
            "SELECT big AS b, id FROM items ORDER BY b, id LIMIT 30",
            "SELECT flag, u, id FROM items ORDER BY flag DESC, u LIMIT 40",
            "SELECT code, id FROM items ORDER BY code DESC, id LIMIT 40",
            "SELECT ts, id FROM items WHERE grp = 2 ORDER BY ts, id",
            "SELECT id FROM items WHERE id % 5 = 0 ORDER BY id LIMIT 5 OFFSET 3",
            "SELECT id FROM items WHERE id < 0 ORDER BY id",
            "SELECT count(*), count(amount), sum(grp), sum(big), sum(amount), sum(price), min(amount), max(amount),"
                    + " min(name), max(name), min(ts), max(tstz), min(d), max(d), min(big), max(price) FROM items",
            "SELECT count(*), sum(amount) AS total, min(name), max(tstz) FROM items WHERE id < 0",
            "SELECT count(*) FILTER (WHERE flag), sum(big) FROM items WHERE grp = 4",
    })
    void mergedEqualsSingleDatabase(String sql) throws IOException {
        ScatterPlan plan = ScatterPlanner.plan(sql);
        List<RawPg.Message> expected = withoutReady(query("scatter_all", sql));
        List<RawPg.Message> merged = mergedAnswer(plan);
        assertEquals(describe(expected), describe(merged), sql);
    }

    /**
     * As {@link #mergedEqualsSingleDatabase} over the extended protocol with every result column in
     * binary (as pgjdbc asks once a statement is server-prepared): the merged DataRows must be the
     * single database's, byte for byte.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, amount, name FROM items ORDER BY amount DESC NULLS LAST, id LIMIT 50 OFFSET 10",
            "SELECT id, ts, tstz, d FROM items ORDER BY tstz DESC, id FETCH FIRST 100 ROWS ONLY",
            "SELECT id, d FROM items ORDER BY d NULLS FIRST, id OFFSET 2950",
            "SELECT price, id FROM items ORDER BY 1, 2 DESC LIMIT 200",
            "SELECT big AS b, grp, id FROM items ORDER BY b, grp DESC, id LIMIT 30",
            "SELECT flag, u, id FROM items ORDER BY flag DESC, u LIMIT 40",
            "SELECT code, name, id FROM items ORDER BY code DESC, name, id LIMIT 40",
            "SELECT ts, id FROM items WHERE grp = 2 ORDER BY ts, id",
            "SELECT id::oid AS o, (grp * 0.5)::float4 AS r FROM items ORDER BY r DESC, o LIMIT 25",
            "SELECT count(*), count(amount), sum(grp), sum(id), sum(big), sum(amount), sum(price),"
                    + " sum((grp * 0.5)::float4), min(amount), max(amount), min(name), max(name), min(ts),"
                    + " max(tstz), min(d), max(d), min(big), max(price), max(id::oid) FROM items",
            "SELECT count(*), sum(amount) AS total, min(name), max(tstz) FROM items WHERE id < 0",
            "SELECT count(*) FILTER (WHERE flag), sum(big) FROM items WHERE grp = 4",
    })
    void binaryResultsEqualSingleDatabaseByteForByte(String sql) throws IOException {
        ScatterPlan plan = ScatterPlanner.plan(sql);
        int[] allBinary = {1};
        List<RawPg.Message> expected = withoutReady(extendedQuery("scatter_all", sql, allBinary));
        assertEquals("12T", WireMessages.types(expected).substring(0, 3), () -> describe(expected).toString());
        assertTrue(describe(expected).get(2).endsWith(":1 "), "binary columns: " + describe(expected).get(2));
        assertEquals(describe(expected), describe(mergedAnswer(plan, allBinary)), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, amount, tstz, name FROM items ORDER BY amount, tstz DESC, id LIMIT 60",
            "SELECT sum(big), min(tstz), max(amount), count(*) FROM items",
    })
    void mixedResultFormatsMerge(String sql) throws IOException {
        int[] formats = {1, 0, 1, 0};
        List<RawPg.Message> expected = withoutReady(extendedQuery("scatter_all", sql, formats));
        assertEquals(describe(expected), describe(mergedAnswer(ScatterPlanner.plan(sql), formats)), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT id, name FROM items WHERE grp = 3", "SELECT * FROM items LIMIT 5000"})
    void concatenationHoldsTheSameRows(String sql) throws IOException {
        ScatterPlan.Concat plan = assertInstanceOf(ScatterPlan.Concat.class, ScatterPlanner.plan(sql));
        List<String> expected = describe(withoutReady(query("scatter_all", sql)));
        List<String> merged = describe(mergedAnswer(plan));
        assertEquals(expected.get(0), merged.get(0));
        assertEquals(expected.get(expected.size() - 1), merged.get(merged.size() - 1));
        assertEquals(expected.stream().sorted().toList(), merged.stream().sorted().toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT id / 0 FROM items", "SELECT nosuch FROM items"})
    void shardErrorsAreForwarded(String sql) throws IOException {
        List<RawPg.Message> expected = withoutReady(query("scatter_all", sql));
        List<RawPg.Message> merged = mergedAnswer(ScatterPlanner.plan(sql));
        RawPg.ErrorFields want = RawPg.firstError(expected);
        RawPg.ErrorFields got = RawPg.firstError(merged);
        assertEquals(want.code(), got.code());
        assertEquals(want.message(), got.message());
        assertTrue(got.fields().get('D').endsWith("(on shard s1)"), got.fields().toString());
    }

    private static List<RawPg.Message> mergedAnswer(ScatterPlan plan) throws IOException {
        return mergedAnswer(plan, null);
    }

    /** The merged answer of the shards, over the simple protocol, or the extended one with {@code resultFormats}. */
    private static List<RawPg.Message> mergedAnswer(ScatterPlan plan, int[] resultFormats) throws IOException {
        String shardSql = assertInstanceOf(ScatterPlan.Mergeable.class, plan, plan::toString).shardSql();
        List<ScatterResult> results = new ArrayList<>();
        for (String shard : List.of("s1", "s2")) {
            String db = "scatter_" + shard;
            List<RawPg.Message> answer = resultFormats == null ? query(db, shardSql)
                    : extendedQuery(db, shardSql, resultFormats);
            results.add(new ScatterResult(shard, buffers(withoutReady(answer))));
        }
        List<ByteBuf> out = MERGER.merge(plan, results);
        List<RawPg.Message> messages = new ArrayList<>();
        for (ByteBuf b : out) {
            byte[] body = new byte[b.readableBytes() - 5];
            b.getBytes(b.readerIndex() + 5, body);
            messages.add(new RawPg.Message((char) b.getByte(b.readerIndex()), body));
            b.release();
        }
        return messages;
    }

    private static List<RawPg.Message> query(String db, String sql) throws IOException {
        try (RawPg c = RawPg.connect(pg.port())) {
            c.login("postgres", db, "postgres");
            return c.simpleQuery(sql);
        }
    }

    /** Parse, Bind with {@code resultFormats}, Describe, Execute, Sync of {@code sql}. */
    private static List<RawPg.Message> extendedQuery(String db, String sql, int[] resultFormats) throws IOException {
        try (RawPg c = RawPg.connect(pg.port())) {
            c.login("postgres", db, "postgres");
            c.send(WireMessages.concat(WireMessages.parse("", sql), WireMessages.bind("", "", resultFormats),
                    WireMessages.describe('P', ""), WireMessages.execute("", 0), WireMessages.sync()));
            return c.readUntilReady();
        }
    }

    private static List<RawPg.Message> withoutReady(List<RawPg.Message> messages) {
        return messages.stream().filter(m -> m.type() != 'Z').toList();
    }

    private static List<ByteBuf> buffers(List<RawPg.Message> messages) {
        return messages.stream().map(m -> Unpooled.buffer(5 + m.body().length).writeByte(m.type())
                .writeInt(4 + m.body().length).writeBytes(m.body())).toList();
    }

    /** Each message as text; a RowDescription without its table OIDs and column numbers (per database). */
    private static List<String> describe(List<RawPg.Message> messages) {
        List<String> out = new ArrayList<>();
        for (RawPg.Message m : messages) {
            out.add(switch (m.type()) {
                case 'T' -> "T " + columns(m.body());
                case 'D', 'C' -> m.type() + " " + HexFormat.of().formatHex(m.body()) + " " + m.bodyText();
                default -> m.type() + " " + m.bodyText();
            });
        }
        return out;
    }

    private static String columns(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        int n = b.getShort();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int start = b.position();
            while (b.get() != 0) {
                // to the end of the name
            }
            sb.append(new String(body, start, b.position() - start - 1, StandardCharsets.UTF_8));
            b.getInt();
            b.getShort();
            sb.append(':').append(b.getInt()).append(':').append(b.getShort()).append(':').append(b.getInt())
                    .append(':').append(b.getShort()).append(' ');
        }
        return sb.toString();
    }
}
