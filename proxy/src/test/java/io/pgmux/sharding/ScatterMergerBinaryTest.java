package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgmux.sharding.MergeValues.NumericValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.pgmux.sharding.MergeMessages.binaryRowDescription;
import static io.pgmux.sharding.MergeMessages.binaryShard;
import static io.pgmux.sharding.MergeMessages.binaryValues;
import static io.pgmux.sharding.MergeMessages.onlyError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The merger on binary-format (format code 1) results, as pgjdbc asks for once a statement is prepared. */
class ScatterMergerBinaryTest {
    private static final int BOOL = 16;
    private static final int INT8 = 20;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final int OID = 26;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int BPCHAR = 1042;
    private static final int DATE = 1082;
    private static final int TIMESTAMP = 1114;
    private static final int TIMESTAMPTZ = 1184;
    private static final int INTERVAL = 1186;
    private static final int NUMERIC = 1700;
    private static final int UUID = 2950;
    private static final HexFormat HEX = HexFormat.of();

    private final ScatterMerger merger = new ScatterMerger(UnpooledByteBufAllocator.DEFAULT, true);
    private final MergeRuns runs = new MergeRuns();

    @AfterEach
    void everyBufferReleasedExactlyOnce() {
        runs.assertEveryBufferReleasedOnce();
    }

    private List<ByteBuf> merge(String sql, ScatterResult... results) {
        return runs.merge(merger, sql, results);
    }

    // ------------------------------------------------------------------ values as the send functions write them

    static byte[] i2(int v) {
        return ByteBuffer.allocate(2).putShort((short) v).array();
    }

    static byte[] i4(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static byte[] i8(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static byte[] f4(float v) {
        return ByteBuffer.allocate(4).putFloat(v).array();
    }

    static byte[] f8(double v) {
        return ByteBuffer.allocate(8).putDouble(v).array();
    }

    static byte[] bool(boolean v) {
        return new byte[] {(byte) (v ? 1 : 0)};
    }

    /** date_send: days since 2000-01-01. */
    static byte[] date(String iso) {
        return i4((int) (LocalDate.parse(iso).toEpochDay() - LocalDate.of(2000, 1, 1).toEpochDay()));
    }

    static byte[] uuid(String text) {
        return HEX.parseHex(text.replace("-", ""));
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    /** numeric_send output of PostgreSQL 15 ({@code SELECT numeric_send(x)}) for each text value. */
    private static final Map<String, String> NUMERIC_SEND = Map.ofEntries(
            Map.entry("18446744073709551614", "000500040000000007341a5802e103bb064e"),
            Map.entry("Infinity", "00000000d0000020"),
            Map.entry("-Infinity", "00000000f0000020"),
            Map.entry("NaN", "00000000c0000000"),
            Map.entry("0", "0000000000000000"),
            Map.entry("0.000", "0000000000000003"),
            Map.entry("1.500", "000200000000000300011388"),
            Map.entry("-12345.6789", "0003000140000004000109291a85"),
            Map.entry("100000000", "00010002000000000001"),
            Map.entry("0.0001", "0001ffff000000040001"),
            Map.entry("0.00000000000000000001", "0001fffb000000140001"));

    /** A RowDescription, rows and CommandComplete of one binary column of {@code oid}. */
    private static ScatterResult column(String label, int oid, byte[]... values) {
        List<List<byte[]>> rows = new ArrayList<>();
        for (byte[] v : values) {
            rows.add(Arrays.asList(v));
        }
        return binaryShard(label, binaryRowDescription(1, "v", oid), rows);
    }

    /** The first column of every DataRow of {@code out}, as hex ("NULL" for null), after checking the framing. */
    private static List<String> firstColumns(List<ByteBuf> out) {
        return MergeMessages.dataRows(out).stream().map(m -> binaryValues(m).get(0))
                .map(v -> v == null ? "NULL" : HEX.formatHex(v)).toList();
    }

    private static List<String> hexes(byte[]... values) {
        return Arrays.stream(values).map(v -> v == null ? "NULL" : HEX.formatHex(v)).toList();
    }

    private void assertSorted(String orderBy, int oid, byte[][] a, byte[][] b, byte[]... expected) {
        List<ByteBuf> out = merge("SELECT v FROM t ORDER BY " + orderBy, column("a", oid, a), column("b", oid, b));
        assertEquals(hexes(expected), firstColumns(out), orderBy + " on OID " + oid);
    }

    private static byte[][] of(byte[]... values) {
        return values;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void numericReadsAndWritesAsNumericSendDoes() {
        NUMERIC_SEND.forEach((text, hex) -> {
            assertEquals(hex, HEX.formatHex(MergeBinary.numeric(NumericValue.parse(text))), text);
            assertEquals(text, MergeBinary.numeric(HEX.parseHex(hex)).text(), hex);
        });
        // scale kept through a sum: 1.500 + -12345.6789 = -12344.1789
        NumericValue sum = MergeBinary.numeric(hex(NUMERIC_SEND.get("1.500")))
                .plus(MergeBinary.numeric(hex(NUMERIC_SEND.get("-12345.6789"))));
        assertEquals("-12344.1789", sum.text());
        assertEquals(sum.text(), MergeBinary.numeric(MergeBinary.numeric(sum)).text());
    }

    @Test
    void integersSortByValue() {
        assertSorted("v", INT2, of(i2(-300), i2(2), i2(32767)), of(i2(-32768), i2(5)),
                i2(-32768), i2(-300), i2(2), i2(5), i2(32767));
        assertSorted("v DESC", INT4, of(null, i4(256), i4(1)), of(null, i4(1000), i4(-1)),
                null, null, i4(1000), i4(256), i4(1), i4(-1));
        assertSorted("v", INT8, of(i8(Long.MIN_VALUE), i8(1L << 40)), of(i8(-1), i8(Long.MAX_VALUE)),
                i8(Long.MIN_VALUE), i8(-1), i8(1L << 40), i8(Long.MAX_VALUE));
        // oid is unsigned: 0xFFFFFFFF is the largest
        assertSorted("v", OID, of(i4(1), i4(0xFFFFFFFF)), of(i4(0x7FFFFFFF), i4(0x80000000)),
                i4(1), i4(0x7FFFFFFF), i4(0x80000000), i4(0xFFFFFFFF));
    }

    @Test
    void floatsSortWithNegativesZerosAndNaNLast() {
        assertSorted("v", FLOAT8, of(f8(Double.NEGATIVE_INFINITY), f8(-2.5), f8(0.0), f8(Double.NaN)),
                of(f8(-1e300), f8(-0.0), f8(1.5), f8(Double.POSITIVE_INFINITY)),
                f8(Double.NEGATIVE_INFINITY), f8(-1e300), f8(-2.5), f8(0.0), f8(-0.0), f8(1.5),
                f8(Double.POSITIVE_INFINITY), f8(Double.NaN));
        assertSorted("v DESC", FLOAT4, of(f4(3.5f), f4(-1f)), of(f4(Float.NaN), f4(0.25f)),
                f4(Float.NaN), f4(3.5f), f4(0.25f), f4(-1f));
    }

    @Test
    void numericSortsBySignedValueNotBytes() {
        byte[] nan = hex(NUMERIC_SEND.get("NaN"));
        byte[] inf = hex(NUMERIC_SEND.get("Infinity"));
        byte[] ninf = hex(NUMERIC_SEND.get("-Infinity"));
        byte[] neg = hex(NUMERIC_SEND.get("-12345.6789"));
        byte[] small = hex(NUMERIC_SEND.get("0.0001"));
        byte[] tiny = hex(NUMERIC_SEND.get("0.00000000000000000001"));
        byte[] big = hex(NUMERIC_SEND.get("100000000"));
        byte[] zero = hex(NUMERIC_SEND.get("0.000"));
        assertSorted("v", NUMERIC, of(ninf, zero, small, big, nan), of(neg, tiny, inf),
                ninf, neg, zero, tiny, small, big, inf, nan);
    }

    @Test
    void boolDatesTimestampsAndUuidsSort() {
        assertSorted("v DESC", BOOL, of(bool(true), bool(false)), of(null, bool(true), bool(false)),
                null, bool(true), bool(true), bool(false), bool(false));
        byte[] minusInfinity = i4(Integer.MIN_VALUE);
        byte[] infinity = i4(Integer.MAX_VALUE);
        assertSorted("v", DATE, of(minusInfinity, date("1999-12-31"), date("2024-02-29")),
                of(date("-0043-03-15"), date("2000-01-01"), infinity),
                minusInfinity, date("-0043-03-15"), date("1999-12-31"), date("2000-01-01"), date("2024-02-29"),
                infinity);
        for (int oid : new int[] {TIMESTAMP, TIMESTAMPTZ}) {
            assertSorted("v", oid, of(i8(Long.MIN_VALUE), i8(-1), i8(1_000_000)),
                    of(i8(-86_400_000_000L * 365 * 3000), i8(0), i8(Long.MAX_VALUE)),
                    i8(Long.MIN_VALUE), i8(-86_400_000_000L * 365 * 3000), i8(-1), i8(0), i8(1_000_000),
                    i8(Long.MAX_VALUE));
        }
        // uuid_cmp is memcmp: bytes compare unsigned
        byte[] low = uuid("00000000-0000-0000-0000-0000000000ff");
        byte[] mid = uuid("7fffffff-ffff-ffff-ffff-ffffffffffff");
        byte[] high = uuid("80000000-0000-0000-0000-000000000000");
        byte[] top = uuid("ffffffff-ffff-ffff-ffff-ffffffffffff");
        assertSorted("v", UUID, of(low, high), of(mid, top), low, mid, high, top);
    }

    @Test
    void textTypesSendTheirBytes() {
        assertSorted("v", TEXT, of(text("B"), text("é")), of(text("b"), text("z")),
                text("B"), text("b"), text("z"), text("é"));
        assertSorted("v", BPCHAR, of(text("ab  "), text("b   ")), of(text("a   "), text("ab\u0001 ")),
                text("a   "), text("ab  "), text("ab\u0001 "), text("b   "));
    }

    @Test
    void multiColumnSortPassesTheRowsThrough() {
        ScatterResult a = binaryShard("a", binaryRowDescription(1, "id", INT4, "score", NUMERIC),
                List.of(List.of(i4(3), hex(NUMERIC_SEND.get("1.500"))), Arrays.asList(i4(1), null)));
        ScatterResult b = binaryShard("b", binaryRowDescription(1, "id", INT4, "score", NUMERIC),
                List.of(List.of(i4(2), hex(NUMERIC_SEND.get("100000000"))), List.of(i4(4), hex(NUMERIC_SEND.get("1.500")))));
        List<ByteBuf> out = merge("SELECT id, score FROM t ORDER BY score DESC NULLS LAST, id LIMIT 3", a, b);
        assertEquals(hexes(i4(2), i4(3), i4(4)), firstColumns(out));
        assertSame(b.messages().get(1), out.get(1), "rows are not copied");
        assertSame(a.messages().get(0), out.get(0), "first shard's RowDescription");
    }

    @Test
    void aggregatesCombineInBinary() {
        String sql = "SELECT count(*), sum(i), sum(b), sum(n), min(n), max(n), sum(f), sum(r), min(d), max(ts),"
                + " max(u), min(x), min(flag) FROM t";
        Object[] columns = {"count", INT8, "sum", INT8, "sum", NUMERIC, "sum", NUMERIC, "min", NUMERIC,
            "max", NUMERIC, "sum", FLOAT8, "sum", FLOAT4, "min", DATE, "max", TIMESTAMPTZ, "max", UUID,
            "min", INT4, "min", BOOL};
        byte[] uLow = uuid("7fffffff-ffff-ffff-ffff-ffffffffffff");
        byte[] uHigh = uuid("80000000-0000-0000-0000-000000000000");
        byte[] int8Max = hex("0005000400000000" + "039a0d2c0170156516af"); // 922 3372 0368 5477 5807
        assertEquals("9223372036854775807", MergeBinary.numeric(int8Max).text());
        ScatterResult a = binaryShard("a", binaryRowDescription(0, columns), List.of(Arrays.asList(
                i8(3), i8(Long.MAX_VALUE - 10), int8Max, hex(NUMERIC_SEND.get("1.500")),
                hex(NUMERIC_SEND.get("1.500")), hex(NUMERIC_SEND.get("-12345.6789")), f8(0.5), f4(0.25f),
                date("2024-01-01"), i8(5), uHigh, null, bool(true))));
        ScatterResult b = binaryShard("b", binaryRowDescription(0, columns), List.of(Arrays.asList(
                i8(0), null, null, null, null, null, null, null, null, null, null, null, null)));
        ScatterResult c = binaryShard("c", binaryRowDescription(0, columns), List.of(Arrays.asList(
                i8(2), i8(7), int8Max, hex(NUMERIC_SEND.get("-12345.6789")),
                hex(NUMERIC_SEND.get("-12345.6789")), hex(NUMERIC_SEND.get("100000000")), f8(1e20), f4(-1.5f),
                date("1999-12-31"), i8(-5), uLow, null, bool(false))));
        List<ByteBuf> out = merge(sql, a, b, c);
        assertEquals(3, out.size());
        List<byte[]> row = binaryValues(out.get(1));
        assertArrayEquals(i8(5), row.get(0), "count");
        assertArrayEquals(i8(Long.MAX_VALUE - 3), row.get(1), "sum of int4 as int8");
        assertArrayEquals(hex(NUMERIC_SEND.get("18446744073709551614")), row.get(2), "sum of int8 as numeric");
        assertEquals("-12344.1789", MergeBinary.numeric(row.get(3)).text(), "numeric sum keeps the scale");
        assertArrayEquals(hex("00030001400000040001092806fd"), row.get(3));
        assertArrayEquals(hex(NUMERIC_SEND.get("-12345.6789")), row.get(4), "min");
        assertArrayEquals(hex(NUMERIC_SEND.get("100000000")), row.get(5), "max");
        assertArrayEquals(f8(0.5 + 1e20), row.get(6));
        assertArrayEquals(f4(0.25f + -1.5f), row.get(7));
        assertArrayEquals(date("1999-12-31"), row.get(8));
        assertArrayEquals(i8(5), row.get(9));
        assertArrayEquals(uHigh, row.get(10), "uuid bytes compare unsigned");
        assertNull(row.get(11));
        assertArrayEquals(bool(false), row.get(12));
        assertEquals("SELECT 1", RowValues.commandTag(out.get(2)));
    }

    @Test
    void aggregatesOverNoRowsInBinary() {
        ByteBuf d = binaryRowDescription(0, "count", INT8, "sum", NUMERIC, "sum", FLOAT8);
        List<ByteBuf> out = merge("SELECT count(x), sum(x), sum(y) FROM t",
                binaryShard("a", d, List.of(Arrays.asList(i8(0), null, null))),
                binaryShard("b", d.copy(), List.of(Arrays.asList(i8(0), null, f8(-0.0)))));
        List<byte[]> row = binaryValues(out.get(1));
        assertArrayEquals(i8(0), row.get(0));
        assertNull(row.get(1));
        assertArrayEquals(f8(-0.0), row.get(2), "one partial passes as it is, -0 too");
    }

    @Test
    void numericSpecialSumsInBinary() {
        ByteBuf d = binaryRowDescription(0, "sum", NUMERIC);
        List<ByteBuf> out = merge("SELECT sum(x) FROM t",
                binaryShard("a", d, List.of(Arrays.<byte[]>asList(hex(NUMERIC_SEND.get("Infinity"))))),
                binaryShard("b", d.copy(), List.of(Arrays.<byte[]>asList(hex(NUMERIC_SEND.get("1.500"))))));
        assertArrayEquals(hex(NUMERIC_SEND.get("Infinity")), binaryValues(out.get(1)).get(0));
        out = merge("SELECT sum(x) FROM t",
                binaryShard("a", d.copy(), List.of(Arrays.<byte[]>asList(hex(NUMERIC_SEND.get("Infinity"))))),
                binaryShard("b", d.copy(), List.of(Arrays.<byte[]>asList(hex(NUMERIC_SEND.get("-Infinity"))))));
        assertArrayEquals(hex(NUMERIC_SEND.get("NaN")), binaryValues(out.get(1)).get(0));
    }

    @Test
    void binaryRefusals() {
        assertTrue(onlyError(merge("SELECT sum(x) FROM t",
                column("a", INT8, i8(Long.MAX_VALUE)), column("b", INT8, i8(1)))).contains("bigint out of range"));
        assertTrue(onlyError(merge("SELECT v FROM t ORDER BY v",
                column("a", INT4, i2(1)), column("b", INT4, i4(1)))).contains("binary int4 value of 2 bytes"));
        assertTrue(onlyError(merge("SELECT v FROM t ORDER BY v",
                column("a", INTERVAL, new byte[16]))).contains("type OID 1186"));
        assertTrue(onlyError(merge("SELECT count(*) FROM t",
                column("a", INT4, i4(1)))).contains("unexpected count() result"));
        assertTrue(onlyError(merge("SELECT v FROM t ORDER BY v",
                column("a", NUMERIC, hex("0001000000000000")))).contains("malformed"));
    }
}
