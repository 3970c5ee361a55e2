package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgmux.protocol.MessageTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.pgmux.sharding.MergeMessages.complete;
import static io.pgmux.sharding.MergeMessages.empty;
import static io.pgmux.sharding.MergeMessages.error;
import static io.pgmux.sharding.MergeMessages.errorText;
import static io.pgmux.sharding.MergeMessages.onlyError;
import static io.pgmux.sharding.MergeMessages.row;
import static io.pgmux.sharding.MergeMessages.rowDescription;
import static io.pgmux.sharding.MergeMessages.shard;
import static io.pgmux.sharding.MergeMessages.type;
import static io.pgmux.sharding.MergeMessages.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScatterMergerTest {
    private static final int INT4 = 23;
    private static final int INT8 = 20;
    private static final int TEXT = 25;
    private static final int NUMERIC = 1700;
    private static final int FLOAT8 = 701;
    private static final int TIMESTAMPTZ = 1184;

    private final ScatterMerger merger = new ScatterMerger(UnpooledByteBufAllocator.DEFAULT, true);
    private final MergeRuns runs = new MergeRuns();

    @AfterEach
    void everyBufferReleasedExactlyOnce() {
        runs.assertEveryBufferReleasedOnce();
    }

    private List<ByteBuf> merge(ScatterMerger m, String sql, ScatterResult... results) {
        return runs.merge(m, sql, results);
    }

    private List<ByteBuf> merge(String sql, ScatterResult... results) {
        return merge(merger, sql, results);
    }

    private static List<List<String>> rows(String... csv) {
        List<List<String>> out = new ArrayList<>();
        for (String line : csv) {
            out.add(Arrays.stream(line.split(",", -1)).map(v -> v.equals("NULL") ? null : v).toList());
        }
        return out;
    }

    /** The DataRows of {@code out} as lines "a,b" (NULL for null), checking T first and C last. */
    private static List<String> lines(List<ByteBuf> out) {
        List<String> lines = new ArrayList<>();
        for (ByteBuf m : MergeMessages.dataRows(out)) {
            lines.add(String.join(",", values(m).stream().map(v -> v == null ? "NULL" : v).toList()));
        }
        return lines;
    }

    @Test
    void concatenatesRowsPassingTheBuffersThrough() {
        ScatterResult a = shard("a", rowDescription(100, "id", INT4), rows("1", "2"));
        ScatterResult b = shard("b", rowDescription(200, "id", INT4), rows("3"));
        List<ByteBuf> out = merge("SELECT id FROM t", a, b);
        assertEquals(List.of("1", "2", "3"), lines(out));
        assertSame(a.messages().get(0), out.get(0), "first shard's RowDescription");
        assertSame(b.messages().get(1), out.get(3), "rows are not copied");
    }

    @Test
    void concatenationWithLimitAndOffset() {
        List<ByteBuf> out = merge("SELECT id FROM t LIMIT 2 OFFSET 1",
                shard("a", rowDescription(1, "id", INT4), rows("1", "2")),
                shard("b", rowDescription(1, "id", INT4), rows("3", "4")));
        assertEquals(List.of("2", "3"), lines(out));
    }

    @Test
    void mergeSortsWithNullsAndDirectionsThenAppliesLimit() {
        String sql = "SELECT id, score FROM t ORDER BY score DESC, id LIMIT 4 OFFSET 1";
        List<ByteBuf> out = merge(sql,
                shard("a", rowDescription(1, "id", INT4, "score", NUMERIC), rows("1,NULL", "3,10.5", "5,2", "7,-1")),
                shard("b", rowDescription(2, "id", INT4, "score", NUMERIC), rows("2,NaN", "4,10.5", "6,3.25")));
        // DESC puts NULLs first; numeric NaN sorts above every number
        assertEquals(List.of("2,NaN", "3,10.5", "4,10.5", "6,3.25"), lines(out));
    }

    @Test
    void sortsByNameResolvedInTheRowDescription() {
        List<ByteBuf> out = merge("SELECT * FROM t ORDER BY name NULLS FIRST",
                shard("a", rowDescription(1, "id", INT4, "name", TEXT), rows("1,b", "2,é")),
                shard("b", rowDescription(1, "id", INT4, "name", TEXT), rows("3,NULL", "4,B", "5,z")));
        assertEquals(List.of("3,NULL", "4,B", "1,b", "5,z", "2,é"), lines(out), "code point order");
    }

    @Test
    void sortsTimestampsByTheirValueNotTheirText() {
        List<ByteBuf> out = merge("SELECT ts FROM t ORDER BY 1",
                shard("a", rowDescription(1, "ts", TIMESTAMPTZ),
                        rows("0044-03-15 12:00:00+00 BC", "2024-01-01 10:00:00+02", "10000-01-01 00:00:00+00")),
                shard("b", rowDescription(1, "ts", TIMESTAMPTZ),
                        rows("-infinity", "2024-01-01 08:30:00.5+00", "infinity")));
        assertEquals(List.of("-infinity", "0044-03-15 12:00:00+00 BC", "2024-01-01 10:00:00+02",
                "2024-01-01 08:30:00.5+00", "10000-01-01 00:00:00+00", "infinity"), lines(out));
    }

    @Test
    void floatsSortNaNLast() {
        List<ByteBuf> out = merge("SELECT f FROM t ORDER BY f",
                shard("a", rowDescription(1, "f", FLOAT8), rows("-Infinity", "1.5", "NaN")),
                shard("b", rowDescription(1, "f", FLOAT8), rows("-0", "Infinity")));
        assertEquals(List.of("-Infinity", "-0", "1.5", "Infinity", "NaN"), lines(out));
    }

    @Test
    void aggregatesCombine() {
        String sql = "SELECT count(*), sum(i), sum(b), sum(n), min(n), max(s), sum(f), min(x) FROM t";
        ByteBuf d1 = rowDescription(0, "count", INT8, "sum", INT8, "sum", NUMERIC, "sum", NUMERIC,
                "min", NUMERIC, "max", TEXT, "sum", FLOAT8, "min", INT4);
        ByteBuf d2 = d1.copy();
        List<ByteBuf> out = merge(sql,
                shard("a", d1, rows("3,9223372036854775000,9223372036854775807,1.50,-2,abc,0.5,NULL")),
                shard("b", d2, rows("0,NULL,NULL,NULL,NULL,NULL,NULL,NULL")),
                shard("c", d2.copy(), rows("2,7,1,2.5,3.125,abd,1e+20,NULL")));
        assertEquals(List.of("5,9223372036854775007,9223372036854775808,4.00,-2,abd,1e+20,NULL"), lines(out));
    }

    @Test
    void aggregatesOverNoRowsAreNullButCountIsZero() {
        ByteBuf d = rowDescription(0, "count", INT8, "sum", NUMERIC);
        List<ByteBuf> out = merge("SELECT count(x), sum(x) FROM t",
                shard("a", d, rows("0,NULL")), shard("b", d.copy(), rows("0,NULL")));
        assertEquals(List.of("0,NULL"), lines(out));
    }

    @Test
    void firstShardErrorWinsAndNamesTheShard() {
        ScatterResult a = shard("a", rowDescription(1, "id", INT4), rows("1"));
        ScatterResult b = new ScatterResult("shard-2", List.of(empty(MessageTypes.PARSE_COMPLETE),
                error("22012", "division by zero")));
        ScatterResult c = new ScatterResult("shard-3", List.of(error("57014", "canceled")));
        List<ByteBuf> out = merge("SELECT id FROM t", a, b, c);
        assertEquals(2, out.size());
        assertEquals('1', type(out.get(0)));
        assertEquals("S=ERROR, V=ERROR, C=22012, M=division by zero, D=(on shard shard-2)", errorText(out.get(1)));
    }

    @Test
    void extendedProtocolFramingComesFromTheFirstShard() {
        List<ScatterResult> results = new ArrayList<>();
        for (String label : List.of("a", "b")) {
            results.add(new ScatterResult(label, List.of(empty(MessageTypes.PARSE_COMPLETE),
                    empty(MessageTypes.BIND_COMPLETE), rowDescription(1, "id", INT4),
                    row(label.equals("a") ? "2" : "1"), complete("SELECT 1"))));
        }
        List<ByteBuf> out = merge("SELECT id FROM t ORDER BY id", results.toArray(ScatterResult[]::new));
        assertEquals("12TDDC", out.stream().map(m -> String.valueOf(type(m))).reduce("", String::concat));
        assertEquals(List.of("1"), values(out.get(3)));
    }

    @Test
    void differentColumnsAreAnError() {
        List<ByteBuf> out = merge("SELECT * FROM t",
                shard("a", rowDescription(1, "id", INT4), rows("1")),
                shard("b", rowDescription(1, "id", INT8), rows("2")));
        assertTrue(onlyError(out).contains("shards a and b returned different columns"), onlyError(out));
    }

    @Test
    void textOrderUnknownIsRefusedAtMergeTime() {
        ScatterMerger icu = new ScatterMerger(UnpooledByteBufAllocator.DEFAULT, false);
        List<ByteBuf> out = merge(icu, "SELECT name FROM t ORDER BY name",
                shard("a", rowDescription(1, "name", TEXT), rows("a")),
                shard("b", rowDescription(1, "name", TEXT), rows("b")));
        assertEquals("S=ERROR, V=ERROR, C=0A000, M=cannot merge ORDER BY on text column \"name\" across shards:"
                + " the shards' collation order is not known to pgmux (only \"C\" is)", onlyError(out));
    }

    @Test
    void shardOutOfOrderIsAnErrorNotAWrongAnswer() {
        List<ByteBuf> out = merge("SELECT name FROM t ORDER BY name",
                shard("a", rowDescription(1, "name", TEXT), rows("b", "a")),
                shard("b", rowDescription(1, "name", TEXT), rows("c")));
        assertTrue(onlyError(out).contains("shard a returned rows out of the merge order"), onlyError(out));
    }

    @Test
    void mergeTimeRefusals() {
        assertTrue(onlyError(merge("SELECT * FROM t ORDER BY missing",
                shard("a", rowDescription(1, "id", INT4), rows("1")))).contains("ORDER BY missing"));
        assertTrue(onlyError(merge("SELECT i FROM t ORDER BY i",
                shard("a", rowDescription(1, "i", 1186), rows("1 day")))).contains("type OID 1186"));
        assertTrue(onlyError(merge("SELECT sum(i) FROM t",
                shard("a", rowDescription(1, "sum", 1186), rows("1 day")))).contains("sum() of type OID 1186"));
        assertTrue(onlyError(merge("SELECT ts FROM t ORDER BY ts",
                shard("a", rowDescription(1, "ts", 1114), rows("01/02/2024 10:00:00")))).contains("DateStyle ISO"));
        assertTrue(onlyError(merge("SELECT id FROM t ORDER BY id",
                new ScatterResult("a", List.of(rowDescription(1, "id", INT4), row("1"),
                        empty(MessageTypes.PORTAL_SUSPENDED))))).contains("partial Execute"));
        assertTrue(onlyError(merge("SELECT id FROM t",
                new ScatterResult("a", List.of(rowDescription(1, "id", INT4), row("1"), complete("SELECT 2")))))
                .contains("answered SELECT 2 with 1 rows"));
    }

    @Test
    void unmergeablePlanAnswersItsReason() {
        List<ByteBuf> out = merge("SELECT avg(x) FROM t", shard("a", rowDescription(1, "avg", NUMERIC), rows("1")));
        assertEquals("S=ERROR, V=ERROR, C=0A000, M=cannot merge avg() across shards; use sum() and count()",
                onlyError(out));
    }
}
